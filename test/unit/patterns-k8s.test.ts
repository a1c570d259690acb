import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT, VERSION } from '../../scripts/lib/config.js';
import { convert } from '../../scripts/lib/k8s/convert.js';
import { resolveStack } from '../../scripts/lib/k8s/resolve.js';

const k8s = suite('patterns lesson: Kubernetes form');

interface C {
  name: string;
  restartPolicy?: string;
}
interface PodSpec {
  shareProcessNamespace?: boolean;
  initContainers?: C[];
  containers: C[];
}

/** The pod layout the lesson shows: which container is an init container, a native sidecar or the app. */
function layout(spec: PodSpec): string {
  const role = (c: C, init: boolean) =>
    !init ? 'the app' : c.restartPolicy === 'Always' ? 'native sidecar' : 'init container: runs once, first';
  return [
    `shareProcessNamespace: ${Boolean(spec.shareProcessNamespace)}`,
    'initContainers:',
    ...(spec.initContainers ?? []).map(
      (c) => `  - name: ${c.name}${c.restartPolicy ? `\n    restartPolicy: ${c.restartPolicy}` : ''}    # ${role(c, true)}`,
    ),
    'containers:',
    ...spec.containers.map((c) => `  - name: ${c.name}    # ${role(c, false)}`),
  ].join('\n');
}

k8s('the pod layout in the patterns README is what npm run k8s -- patterns produces', () => {
  const objects = convert(resolveStack('patterns', { env: { SIDECAR_LAB_VERSION: VERSION }, resolver: 'yaml' })).objects;
  const pods = objects.filter((o) => o.kind === 'Deployment' || o.kind === 'Pod') as {
    kind: string;
    spec: { template?: { spec: PodSpec } } & PodSpec;
  }[];
  const pod = pods.find(
    (o) => (o.spec.template?.spec ?? o.spec).containers.length && (o.spec.template?.spec ?? o.spec).initContainers?.length,
  );
  assert.ok(pod, 'a workload with init containers');
  const wanted = layout(pod!.spec.template?.spec ?? pod!.spec);
  const readme = readFileSync(join(ROOT, 'stacks', 'patterns', 'README.md'), 'utf8');
  const shown = /<!-- BEGIN k8s layout[^\n]*-->\n```yaml\n([\s\S]*?)\n```\n<!-- END k8s layout -->/.exec(readme)?.[1];
  assert.is(shown, wanted, `update stacks/patterns/README.md's k8s layout block to:\n${wanted}`);
});

k8s.run();
