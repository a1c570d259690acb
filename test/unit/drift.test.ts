import { relative } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT } from '../../scripts/lib/config.js';
import { MARKERS } from '../../scripts/lib/docs-gen.js';
import { generatedFiles } from '../../scripts/lib/sidecar-docs.js';

const drift = suite('generated sidecar docs');

drift('every sidecar README and image.yaml carries the blocks its parameter table and its metrics generate', async () => {
  const files = await generatedFiles();
  assert.ok(files.length >= 2, `expected a README and an image.yaml per sidecar, found ${files.length} files`);
  for (const f of files) {
    assert.fixture(f.current, f.wanted, `${relative(ROOT, f.path)} drifted from its parameter table or its metrics: run npm run gen`);
  }
});

drift('each README metrics table lists what the sidecar registers, and every README has one', async () => {
  const readmes = (await generatedFiles()).filter((f) => f.path.endsWith('README.md'));
  assert.ok(readmes.length >= 4, `expected a README per sidecar, found ${readmes.length}`);
  for (const f of readmes) {
    const table = f.wanted.slice(f.wanted.indexOf(MARKERS.metrics[0]), f.wanted.indexOf(MARKERS.metrics[1]));
    assert.ok(table.includes('| Metric | Type | Labels | Help |'), `${relative(ROOT, f.path)} has no generated metrics table`);
    assert.ok(table.includes('_build_info` | gauge | `version` |'), `${relative(ROOT, f.path)}: the common metrics are missing`);
  }
});

drift.run();
