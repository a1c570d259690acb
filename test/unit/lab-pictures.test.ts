// The lab's pictures in the docs (npm run lab:screenshots writes them): one PNG per lesson in docs/lab/,
// shown by that lesson's README, and the README shows one. Their pixels carry ports and times: never compared.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT } from '../../scripts/lib/config.js';
import { stackNames } from '../../scripts/lib/scenarios.js';

const pictures = suite('the lab’s pictures in the docs');
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

for (const stack of stackNames())
  pictures(`the ${stack} lesson has its picture of the lab, a PNG in docs/lab/, and its README shows it`, () => {
    const file = join(ROOT, 'docs', 'lab', `${stack}.png`);
    assert.equal([...readFileSync(file).subarray(0, 8)], PNG, `${file} is a PNG`);
    const readme = readFileSync(join(ROOT, 'stacks', stack, 'README.md'), 'utf8');
    assert.match(readme, `](../../docs/lab/${stack}.png)`);
  });

pictures('the README shows a picture of the lab and says which command draws them', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  assert.match(readme, /!\[[^\]]+\]\(docs\/lab\/[a-z]+\.png\)/);
  assert.match(readme, 'npm run lab:screenshots');
});

pictures.run();
