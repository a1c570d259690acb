import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { markers } from '../../scripts/bench/section.js';
import { sidecarNames } from '../../scripts/lib/bundle.js';
import { ROOT } from '../../scripts/lib/config.js';
import { packageManagerEntries, SECTION, sizeTable, tableLines } from '../../scripts/lib/image-sizes.js';
import { catalogue } from './catalogue.js';

const sizes = suite('the image size table (npm run bench:images)');

const between = (file: string, [begin, end]: readonly [string, string]) => {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const a = text.indexOf(begin);
  const b = text.indexOf(end, a);
  assert.ok(a >= 0 && b > a, `${file}: markers ${begin} ... ${end}`);
  return text.slice(a + begin.length, b);
};

sizes('the table lists every image of the catalogue, once (not CI’s runner, which npm run images leaves out)', () => {
  const rows = tableLines(between('docs/benchmarks.md', markers(SECTION)))
    .split('\n')
    .slice(2)
    .map((l) => l.split('|')[1]!.trim());
  assert.equal(
    rows.sort(),
    catalogue()
      .filter((c) => c.profiles.includes('catalogue'))
      .map((c) => c.service)
      .sort(),
    'run npm run images && npm run bench:images',
  );
});

sizes('a sidecar row and the pause row state their limits; Debian images have none', () => {
  const table = sizeTable(
    [
      { service: 'redis', image: 'r', bytes: 101_400_000 },
      { service: 'pause', image: 'p', bytes: 733_720 },
      { service: 'topz', image: 't', bytes: 110_697_546 },
    ],
    sidecarNames(),
  );
  assert.equal(table.split('\n').slice(2), [
    '| topz | scratch: Bun + its bundle | 111 | 120 |',
    '| pause | scratch: catatonit | 0.7 | 5.0 |',
    '| redis | Debian, without apt/dpkg | 101 |  |',
  ]);
});

sizes('a package manager is its programs and its state, not a directory that shares its name', () => {
  const listing = ['usr/bin/apt-get', 'usr/bin/dpkg', 'var/lib/dpkg/', 'var/lib/dpkg/status', 'usr/share/bug/apt/', 'usr/bin/aptitude-x'];
  assert.equal(packageManagerEntries(listing), ['usr/bin/apt-get', 'usr/bin/dpkg', 'var/lib/dpkg/', 'var/lib/dpkg/status']);
});

sizes.run();
