// `npm run identify -- stacks` and identify over our `npm run k8s` output give every pod of every
// stack the verdicts the stack declares (its scenario's `identify`). A stack whose compose file needs a
// per-run value (${VAR:?…}) is refused as Compose refuses it, so its pods are checked through the k8s output.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT } from '../../scripts/lib/config.js';
import type { Container } from '../../scripts/lib/identify/model.js';
import { identify } from '../../scripts/lib/identify/run.js';
import { convert } from '../../scripts/lib/k8s/convert.js';
import { toStream } from '../../scripts/lib/k8s/emit.js';
import { resolveStack } from '../../scripts/lib/k8s/resolve.js';
import { loadScenario, stackNames } from '../../scripts/lib/scenarios.js';

const test = suite('identify on our own stacks');
const said = (c: Container) => (c.role ? `${c.pattern}/${c.role}` : c.pattern);
const report = identify(['stacks'], ROOT);

test('every stack declares what each service of its compose file is', async () => {
  for (const stack of stackNames()) assert.ok((await loadScenario(stack)).identify, `stacks/${stack}/scenario.ts declares no identify`);
});

for (const stack of stackNames()) {
  test(`${stack}: identify gives each service the declared verdict, or refuses the file for its required variable`, async () => {
    const truth = (await loadScenario(stack)).identify ?? {};
    const file = join('stacks', stack, 'compose.yaml');
    const skipped = report.skipped.find((s) => s.path === file);
    if (skipped) {
      assert.match(skipped.reason, /^required variable \w+ is missing a value/);
      return;
    }
    const got = Object.fromEntries(report.groups.filter((g) => g.file === file).flatMap((g) => g.containers.map((c) => [c.name, said(c)])));
    assert.equal(got, truth);
  });

  test(`${stack}: identify over its k8s manifests gives pods the verdicts the compose truth becomes`, async () => {
    const truth = (await loadScenario(stack)).identify ?? {};
    const dir = mkdtempSync(join(tmpdir(), 'identify-k8s-'));
    try {
      const { objects } = convert(resolveStack(stack, { env: { SIDECAR_LAB_VERSION: 'test' }, resolver: 'yaml' }));
      writeFileSync(join(dir, `${stack}.yaml`), toStream(objects));
      const r = identify([dir], ROOT);
      const containers = r.groups.flatMap((g) => g.containers);
      assert.ok(containers.length > 0);
      // pause is not converted (the pod is the pause); a helper becomes a native sidecar; a service becomes a Deployment
      const expected = (t: string) => {
        const [pattern, role] = t.split('/');
        if (pattern === 'sidecar' || pattern === 'ambassador' || pattern === 'adapter') return `native-sidecar/${role}`;
        return pattern === 'standalone' ? 'app' : pattern!;
      };
      for (const c of containers) assert.is(said(c), expected(truth[c.name] ?? 'undeclared'), `${stack}: ${c.name}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('stacks alone is read: the fragments a stack extends (compose/) are in the same repository', () => {
  const alone = identify(['stacks'], ROOT);
  const file = join('stacks', 'patterns', 'compose.yaml');
  assert.is(alone.skipped.find((s) => s.path === file)?.reason, undefined);
  assert.ok(alone.groups.filter((g) => g.file === file).length > 0, `no group read from ${file}`);
});

test('the files identify refuses in stacks/ are exactly those that need a per-run value, each with its variable', () => {
  assert.ok(report.skipped.length > 0);
  for (const s of report.skipped)
    assert.match(s.reason, /^required variable (CERT_DIR|SECRET_DIR|TOPZ_TOKEN_DIR|POD_ID|ID_DIR) is missing a value/, s.path);
});

test.run();
