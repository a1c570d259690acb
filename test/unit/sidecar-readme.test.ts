import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { sidecarNames } from '../../scripts/lib/bundle.js';
import { ROOT } from '../../scripts/lib/config.js';
import { headings, read } from './markdown.js';

const skeleton = suite('sidecar README skeleton');

const SECTIONS = ['Contract', 'Parameters', 'Metrics', 'Behaviour', 'Security', 'Tests'];
const listed = `${SECTIONS.slice(0, -1).join(', ')} and ${SECTIONS.at(-1)}`;

/** The sidecars: every folder of sidecars/ with code of its own (src/) or a README; the runtime they share, sidecars/lib, has neither. */
const sidecars = () =>
  readdirSync(join(ROOT, 'sidecars'))
    .filter((n) => ['src', 'README.md'].some((f) => existsSync(join(ROOT, 'sidecars', n, f))))
    .sort();

skeleton('the README promises every sidecar README the sections this test checks, in the same order', () => {
  assert.ok(read('README.md').replace(/\s+/g, ' ').includes(`each README has the sections ${listed}.`), `README.md: "${listed}"`);
});

skeleton('every sidecar the build bundles is one whose README is checked', () => {
  assert.ok(sidecars().length >= 1, 'no sidecar found under sidecars/');
  assert.equal(
    sidecarNames().filter((n) => !sidecars().includes(n)),
    [],
  );
});

for (const name of sidecars()) {
  skeleton(`the ${name} README has exactly the sections ${listed}, in that order`, () => {
    const file = `sidecars/${name}/README.md`;
    assert.ok(existsSync(join(ROOT, file)), `${file} is missing`);
    assert.equal(headings(read(file), 2), SECTIONS, `${file}: its ## sections must be ${listed}, in that order`);
  });
}

skeleton.run();
