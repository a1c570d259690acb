import { relative } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT } from '../../scripts/lib/config.js';
import { generatedFiles } from '../../scripts/lib/sidecar-docs.js';

const drift = suite('generated sidecar docs');

drift('every sidecar README and Dockerfile carries the parameter block its table generates', async () => {
  const files = await generatedFiles();
  assert.ok(files.length >= 2, `expected a README and a Dockerfile per sidecar, found ${files.length} files`);
  for (const f of files) {
    assert.fixture(f.current, f.wanted, `${relative(ROOT, f.path)} drifted from its parameter table: run npm run gen`);
  }
});

drift.run();
