// Mounts as pod volumes (ConfigMap, Secret, emptyDir, chosen by what they hold) and per-run variables.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConfigMap, Secret } from 'kubernetes-types/core/v1.js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { convert } from '../k8s/convert.js';
import { runVarMarker } from '../compose-file/model.js';
import { validateObject } from '../k8s/validate.js';
import { made, spec } from './k8s-fixtures.js';

const test = suite('k8s volumes and per-run values');
const root = mkdtempSync(join(tmpdir(), 'k8s-volumes-'));
const dir = (name: string, files: Record<string, string | Buffer>) => {
  const d = join(root, name);
  for (const [f, body] of Object.entries(files)) {
    mkdirSync(join(d, f, '..'), { recursive: true });
    writeFileSync(join(d, f), body);
  }
  return d;
};
const svc = (volumes: unknown[], extra = {}) => ({ image: 'sidecar-lab/x:1', restart: 'always', volumes, ...extra });

test('a directory of config files is a ConfigMap with its files embedded; one of keys or certs is a Secret', () => {
  const conf = dir('schema', { 'app.json': '{"a": 1}\n' });
  const certs = dir('certs', { 'tls.crt': 'CERT', 'tls.key': 'KEY' });
  const c = convert(made({ web: svc([`${conf}:/etc/app:ro`, `${certs}:/etc/tls:ro`]) }));
  const cm = c.objects.find((o) => o.kind === 'ConfigMap') as ConfigMap;
  const secret = c.objects.find((o) => o.kind === 'Secret') as Secret;
  assert.equal(cm.data, { 'app.json': '{"a": 1}\n' });
  assert.equal(secret.data, { 'tls.crt': Buffer.from('CERT').toString('base64'), 'tls.key': Buffer.from('KEY').toString('base64') });
  assert.equal(spec(c.objects, 'web').volumes, [
    { name: 'configmap-schema', configMap: { name: 'schema' } },
    { name: 'secret-certs', secret: { secretName: 'certs' } },
  ]);
  assert.equal(spec(c.objects, 'web').containers[0]!.volumeMounts, [
    { name: 'configmap-schema', mountPath: '/etc/app', readOnly: true },
    { name: 'secret-certs', mountPath: '/etc/tls', readOnly: true },
  ]);
  assert.equal(c.warnings, []);
  assert.equal(c.objects.flatMap(validateObject), []);
});

test('nested or executable files are projected with items; binary files go to binaryData', () => {
  const d = dir('poller', { 'poll.sh': 'echo', 'lib/util.sh': 'true', 'logo.png': Buffer.from([0x89, 0, 1, 2]) });
  chmodSync(join(d, 'poll.sh'), 0o755);
  const c = convert(made({ web: svc([`${d}:/poller:ro`]) }));
  const cm = c.objects.find((o) => o.kind === 'ConfigMap') as ConfigMap;
  assert.equal(Object.keys(cm.data ?? {}), ['lib_util.sh', 'poll.sh']);
  assert.equal(cm.binaryData, { 'logo.png': Buffer.from([0x89, 0, 1, 2]).toString('base64') });
  assert.equal(spec(c.objects, 'web').volumes![0]!.configMap!.items, [
    { key: 'lib_util.sh', path: 'lib/util.sh' },
    { key: 'logo.png', path: 'logo.png' },
    { key: 'poll.sh', path: 'poll.sh', mode: 0o755 },
  ]);
});

test('a directory over 1 MiB becomes an emptyDir, a missing one a reference, a writable one read-only: each warned', () => {
  const big = dir('big', { 'blob.bin': Buffer.alloc(1024 * 1024) });
  const c = convert(made({ web: svc([`${big}:/big:ro`, `${join(root, 'nowhere')}:/gone:ro`, `${dir('rw', { a: 'b' })}:/rw`]) }));
  assert.equal(spec(c.objects, 'web').volumes, [
    { name: 'web-bind-0', emptyDir: {} },
    { name: 'configmap-nowhere', configMap: { name: 'nowhere' } },
    { name: 'configmap-rw', configMap: { name: 'rw' } },
  ]);
  const messages = c.warnings.map((w) => `${w.key}: ${w.message.replace(root, '<tmp>')}`);
  assert.equal(messages, [
    'services.web.volumes[0]: <tmp>/big holds 1024 KiB, over the 1 MiB a ConfigMap holds: an empty emptyDir instead',
    'services.web.volumes[1]: <tmp>/nowhere does not exist here: mounted from ConfigMap nowhere, which you create (kubectl create configmap nowhere --from-file=<dir>)',
    'services.web.volumes[2]: read-write in Compose, but a ConfigMap is mounted read-only',
  ]);
});

test('a named volume is an emptyDir shared in the pod (tmpfs: Memory with its size); shared across pods, it is warned', () => {
  const c = convert(
    made(
      { a: svc(['data:/data', 'scratch:/scratch'], { tmpfs: ['/tmp:size=64m'] }), b: svc(['data:/data:ro']) },
      { volumes: { data: {}, scratch: { driver_opts: { type: 'tmpfs', device: 'tmpfs', o: 'size=8m' } } } },
    ),
  );
  assert.equal(spec(c.objects, 'a').volumes, [
    { name: 'data', emptyDir: {} },
    { name: 'scratch', emptyDir: { medium: 'Memory', sizeLimit: '8Mi' } },
    { name: 'a-tmpfs-0', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
  ]);
  assert.equal(spec(c.objects, 'b').containers[0]!.volumeMounts, [{ name: 'data', mountPath: '/data', readOnly: true }]);
  assert.equal(
    c.warnings.map((w) => `${w.key}: ${w.message}`),
    ['volumes.data: shared by pods a, b: an emptyDir belongs to one pod, so each gets its own'],
  );
});

test('a per-run value in env or the command is read from Secret run-vars, declared before the values that use it', () => {
  const c = convert(
    made({
      app: {
        image: 'sidecar-lab/x:1',
        restart: 'always',
        command: [`--password=${runVarMarker('PW')}`, 'literal $$ and $(kept)'],
        environment: { TOKEN: runVarMarker('API_TOKEN'), URL: `https://user:${runVarMarker('PW')}@host` },
      },
    }),
  );
  const ctr = spec(c.objects, 'app').containers[0]!;
  assert.equal(ctr.args, ['--password=$(PW)', 'literal $$$ and $$(kept)']);
  const ref = (key: string) => ({ valueFrom: { secretKeyRef: { name: 'run-vars', key } } });
  assert.equal(ctr.env, [
    { name: 'PW', ...ref('PW') },
    { name: 'TOKEN', ...ref('API_TOKEN') },
    { name: 'URL', value: 'https://user:$(PW)@host' },
  ]);
  assert.equal(
    c.warnings.map((w) => w.key),
    ['services.app.command', 'services.app.environment.TOKEN', 'services.app.environment.URL'],
  );
});

test.after(() => rmSync(root, { recursive: true, force: true }));
test.run();
