import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { sidecarNames } from '../../scripts/lib/bundle.js';
import { loadSpec } from '../../scripts/lib/sidecar-docs.js';

const ports = suite('sidecar ports');

ports('the default listening ports of all sidecars are distinct, so any two sidecars can share one pod', async () => {
  const owner = new Map<number, string>();
  let listeners = 0;
  for (const name of sidecarNames()) {
    const spec = await loadSpec(name);
    for (const [key, param] of Object.entries(spec.params)) {
      if (!param.listens) continue;
      listeners++;
      const port = param.default as number;
      assert.is(owner.get(port), undefined, `${name} ${key} takes port ${port}, already the default of ${owner.get(port)}`);
      owner.set(port, `${name} ${key}`);
    }
  }
  assert.ok(listeners >= sidecarNames().length, `every sidecar has at least its admin port; found ${listeners} listeners`);
});

ports('every sidecar declares its admin port as a listener', async () => {
  for (const name of sidecarNames()) assert.ok((await loadSpec(name)).params.adminPort?.listens, `${name} adminPort`);
});

ports.run();
