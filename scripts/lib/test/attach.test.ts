// `--with <sidecar>`: the override scripts/lib/attach.ts generates from a sidecar's attach.json.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import YAML from 'yaml';
import { attachedAt, freePorts, overrideDoc, place, podLayout } from '../attach.js';
import type { Project } from '../compose.js';
import { attachableNames, fill, loadAttachment, parseAttachment } from '../attach-spec.js';
import { ROOT } from '../config.js';
import { attachedChecks } from '../scenarios.js';

const test = suite('attaching a sidecar to a stack');
const HTTPS = readFileSync(join(ROOT, 'stacks', 'https', 'compose.yaml'), 'utf8');
const STATE = '/state/run';

type Service = {
  network_mode?: string;
  pid?: string;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  environment?: Record<string, string>;
  volumes?: string[];
  read_only?: boolean;
  cap_drop?: string[];
  healthcheck?: object;
  image?: string;
};
type Doc = { services: Record<string, Service>; volumes?: Record<string, object> };

const threw = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  return 'did not throw';
};

test('topz is attachable, and its declaration passes every rule', () => {
  assert.ok(attachableNames().includes('topz'), `attachable: ${attachableNames().join(', ')}`);
  assert.is(loadAttachment('topz').name, 'topz');
});

test('the https stack’s pod members and published container ports are read from its compose file', () => {
  const { members, podPorts } = podLayout([HTTPS]);
  assert.equal(members, ['tls-proxy', 'app']);
  assert.equal([...podPorts].sort(), [8443, 9901]);
});

test('a compose file without a pod cannot be attached to', () => {
  assert.match(
    threw(() => podLayout(['services:\n  web:\n    image: x\n'])),
    /no pod service/,
  );
});

test('the override joins topz to the pod, publishes its port on the pod and makes every member wait for it', () => {
  const topzDecl = loadAttachment('topz');
  const at = place(topzDecl, { state: STATE, used: new Set([8443, 9901]), members: ['tls-proxy', 'app'] });
  const doc = YAML.parse(overrideDoc('https', [{ a: topzDecl, at }], at.members)) as Doc;
  const topz = doc.services.topz!;
  assert.equal([topz.network_mode, topz.pid], ['service:pod', 'service:pod']);
  assert.equal(doc.services.pod!.ports, ['127.0.0.1:${TOPZ_PORT:-}:9700']);
  assert.equal(doc.services['tls-proxy']!.depends_on, { topz: { condition: 'service_healthy' } });
  assert.equal(doc.services.app!.depends_on, { topz: { condition: 'service_healthy' } });
  assert.equal([topz.read_only, topz.cap_drop], [true, ['ALL']]);
  assert.equal(topz.volumes, ['/state/run/attach/topz/run:/run/topz:ro'], 'a directory is mounted, never a single file');
  assert.equal(topz.environment, {
    TOPZ_LISTEN_ADDRESS: '0.0.0.0',
    TOPZ_LISTEN_PORT: '9700',
    TOPZ_ADMIN_PORT: '9701',
    TOPZ_TOKEN_FILE: '/run/topz/token',
  });
  assert.equal(topz.healthcheck, { interval: '2s' });
  assert.is(at.secret, '/state/run/attach/topz/run/token');
});

test('a sidecar placed on a pod that uses its ports gets them moved, in its env as well', () => {
  const topzDecl = loadAttachment('topz');
  const at = place(topzDecl, { state: STATE, used: new Set([9700]), members: ['app'] });
  const doc = YAML.parse(overrideDoc('x', [{ a: topzDecl, at }], at.members)) as Doc;
  assert.equal(at.ports, { http: 9710, admin: 9711 });
  assert.equal(doc.services.pod!.ports, ['127.0.0.1:${TOPZ_PORT:-}:9710']);
  assert.is(doc.services.topz!.environment!.TOPZ_LISTEN_PORT, '9710');
});

test('ports a pod already uses push the sidecar’s ports up together, and a second sidecar past the first', () => {
  const used = new Set([8443, 9700]);
  assert.equal(freePorts([9700, 9701], used), [9710, 9711]);
  assert.equal(freePorts([9700, 9701], used), [9720, 9721]);
  assert.equal(freePorts([9800], used), [9800]);
});

test('a shared directory becomes a named volume that the sidecar and every pod member mount at the same path', () => {
  const a = parseAttachment('shipper', {
    image: 'shipper',
    listens: { admin: 9800 },
    dirs: { logs: { mount: '/var/log/app', shared: true } },
  });
  const at = place(a, { state: STATE, used: new Set(), members: ['app'] });
  const doc = YAML.parse(overrideDoc('x', [{ a, at }], at.members)) as Doc;
  assert.equal(doc.services.shipper!.volumes, ['shipper-logs:/var/log/app']);
  assert.equal(doc.services.app!.volumes, ['shipper-logs:/var/log/app']);
  assert.equal(doc.volumes, { 'shipper-logs': {} });
  assert.is(doc.services.pod, undefined, 'nothing published, so the pod is left as it is');
});

test('a declaration that breaks a rule is refused with its file and the field it got wrong', () => {
  const ok = { image: 'x', listens: { http: 9700 } };
  assert.is(threw(() => parseAttachment('x', { ...ok, listens: {} })).split(':')[0], 'sidecars/x/attach.json');
  assert.match(
    threw(() => parseAttachment('x', { ...ok, imag: 'typo' })),
    /unknown field\(s\) imag/,
  );
  assert.match(
    threw(() => parseAttachment('x', { ...ok, listens: {} })),
    /listens must name at least one port/,
  );
  assert.match(
    threw(() => parseAttachment('x', { ...ok, listens: { http: 70000 } })),
    /listens\.http must be a port/,
  );
  assert.match(
    threw(() => parseAttachment('x', { ...ok, publish: { port: 'admin', hostPortEnv: 'X_PORT' } })),
    /publish\.port must be one of listens/,
  );
  assert.match(
    threw(() => parseAttachment('x', { ...ok, env: { A: '{{port.admin}}' } })),
    /env\.A: unknown placeholder \{\{port\.admin\}\}/,
  );
  assert.match(
    threw(() => parseAttachment('x', { ...ok, dirs: { d: { mount: 'relative' } } })),
    /dirs\.d\.mount must be an absolute/,
  );
  assert.match(
    threw(() => parseAttachment('x', { ...ok, dirs: { d: { mount: '/d', shared: true } }, secret: { dir: 'd', file: 't', uid: 1 } })),
    /secret\.dir must name a private/,
  );
  assert.match(
    threw(() => parseAttachment('x', { ...ok, healthcheck: { every: '1s' } })),
    /healthcheck may only set/,
  );
  assert.match(
    threw(() => loadAttachment('../etc')),
    /not an attachable sidecar/,
  );
});

test('placeholders are filled from the given values, and an unknown one names what is known', () => {
  assert.is(fill('{{port.http}} and {{ dir.run }}/token', { 'port.http': '9700', 'dir.run': '/run/topz' }), '9700 and /run/topz/token');
  assert.match(
    threw(() => fill('{{nope}}', { url: 'u' })),
    /unknown placeholder \{\{nope\}\} \(known: \{\{url\}\}\)/,
  );
});

test('a run with topz attached gets the check the topz stack provides for it (stacks/topz/attached.ts), naming the pod members', async () => {
  const topzDecl = loadAttachment('topz');
  const at = place(topzDecl, { state: STATE, used: new Set(), members: ['tls-proxy', 'app'] });
  const names = (await attachedChecks([{ a: topzDecl, at }])).map((c) => c.name);
  assert.equal(names, ['attached topz lists every process of the pod members (tls-proxy, app) and nothing from outside the pod']);
  assert.equal(await attachedChecks([]), []);
});

test('a recorded run’s attached topz is described as `up` printed it: its address, its token file and the override', async () => {
  const at = place(loadAttachment('topz'), { state: STATE, used: new Set([9700]), members: ['tls-proxy', 'app'] });
  const asked: [string, number][] = [];
  const project = { port: async (service: string, port: number) => (asked.push([service, port]), '127.0.0.1:40123') } as unknown as Project;
  const d = await attachedAt(STATE, { topz: at }).describe(project);
  assert.equal(asked, [['pod', 9710]], 'the published address of the port topz was placed on');
  assert.equal(d.urls, { topz: 'http://127.0.0.1:40123/' });
  assert.equal(d.files, { override: `${STATE}/attach.topz.yaml`, 'topz token': `${STATE}/attach/topz/run/token` });
});

test.run();
