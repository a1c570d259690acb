// `--with topz`: the override scripts/lib/attach.ts generates from topz's attachment.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import YAML from 'yaml';
import { freePorts, overrideDoc, podLayout } from '../../../scripts/lib/attach.js';
import { ROOT } from '../../../scripts/lib/config.js';
import { attachment } from '../attach.js';

const test = suite('attaching topz to a stack');
const HTTPS = readFileSync(join(ROOT, 'stacks', 'https', 'compose.yaml'), 'utf8');

type Service = { network_mode?: string; pid?: string; ports?: string[]; depends_on?: Record<string, { condition: string }>; environment?: Record<string, string>; volumes?: string[]; read_only?: boolean; cap_drop?: string[] };

test('the https stack’s pod members and published container ports are read from its compose file', () => {
  const { members, podPorts } = podLayout([HTTPS]);
  assert.equal(members, ['tls-proxy', 'app']);
  assert.equal([...podPorts].sort(), [8443, 9901]);
});

test('a compose file without a pod cannot be attached to', () => {
  try {
    podLayout(['services:\n  web:\n    image: x\n']);
    assert.unreachable('podLayout must throw');
  } catch (e) {
    assert.match((e as Error).message, /no pod service/);
  }
});

test('the override joins topz to the pod, publishes its port on the pod and makes every member wait for it', () => {
  const at = { dir: '/state/run/attach/topz', ports: [9700, 9701], members: ['tls-proxy', 'app'] };
  const doc = YAML.parse(overrideDoc('https', [{ a: attachment, at }], at.members)) as { services: Record<string, Service> };
  const topz = doc.services.topz!;
  assert.equal([topz.network_mode, topz.pid], ['service:pod', 'service:pod']);
  assert.equal(doc.services.pod!.ports, ['127.0.0.1:${TOPZ_PORT:-}:9700']);
  assert.equal(doc.services['tls-proxy']!.depends_on, { topz: { condition: 'service_healthy' } });
  assert.equal(doc.services.app!.depends_on, { topz: { condition: 'service_healthy' } });
  assert.equal([topz.read_only, topz.cap_drop], [true, ['ALL']]);
  assert.equal(topz.volumes, ['/state/run/attach/topz:/run/topz:ro'], 'a directory is mounted, never a single file');
  assert.equal(topz.environment, { TOPZ_LISTEN_ADDRESS: '0.0.0.0', TOPZ_LISTEN_PORT: '9700', TOPZ_ADMIN_PORT: '9701', TOPZ_TOKEN_FILE: '/run/topz/token' });
});

test('ports a pod already uses push the sidecar’s ports up together, and a second sidecar past the first', () => {
  const used = new Set([8443, 9700]);
  assert.equal(freePorts([9700, 9701], used), [9710, 9711]);
  assert.equal(freePorts([9700, 9701], used), [9720, 9721]);
  assert.equal(freePorts([9800], used), [9800]);
});

test.run();
