// GET /api/stacks's picture: our projects only, grouped as stacks → pods → containers, the pod owner
// first, namespace inodes read from /proc beside the declared mode (or visibly unreadable), published
// ports, and roles from identify's reading of the project's compose file.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT } from '../config.js';
import { type Inspect, trimInspect } from '../lab/engine.js';
import { declaredMode, readNamespace } from '../lab/namespaces.js';
import { oursBy, stackOf } from '../lab/ours.js';
import { rolesFromIdentify } from '../lab/roles.js';
import { readRoles } from '../lab/roles-read.js';
import { podsOf, readStacks } from '../lab/stacks.js';
import { runDir, writeRun } from '../run-state.js';
import { container, fakeEngine } from './lab-support.js';

const test = suite('lab: stacks');
const proc = mkdtempSync(join(tmpdir(), 'lab-proc-'));
/** A fake /proc entry: pid's net and pid namespace links, as the kernel shows them. */
const nsOf = (pid: number, net: number, pidNs: number) => {
  mkdirSync(join(proc, String(pid), 'ns'), { recursive: true });
  symlinkSync(`net:[${net}]`, join(proc, String(pid), 'ns', 'net'));
  symlinkSync(`pid:[${pidNs}]`, join(proc, String(pid), 'ns', 'pid'));
};
const httpsLabels = {
  'com.docker.compose.project.config_files': join(ROOT, 'stacks', 'https', 'compose.yaml'),
  'com.docker.compose.project.working_dir': join(ROOT, 'stacks', 'https'),
};
const unknown = () => ({ role: null, pattern: null });
const noRoles = async () => unknown;

test('a pod is its owner first and the members that join it, with shared inodes, declared modes and published ports', () => {
  nsOf(101, 4001, 5001);
  nsOf(102, 4001, 5001);
  nsOf(103, 4002, 5001);
  const p = 'sl-https-0a0b0c';
  const pod = container(p, 'pod', { pid: 101, ports: { '8443/tcp': [{ HostIp: '127.0.0.1', HostPort: '40001' }], '9901/tcp': null } });
  const app = container(p, 'app', { pid: 102, joins: pod.Id, health: 'healthy' });
  const odd = container(p, 'tls-proxy', { pid: 103, joins: pod.Id.slice(0, 12), health: 'starting' });
  const alone = container(p, 'cert-init', {});
  const pods = podsOf([app, alone, odd, pod], unknown, proc);
  assert.equal(
    pods.map((x) => [x.name, x.owner, x.containers.map((c) => c.service)]),
    [
      ['pod', `${p}-pod-1`, ['pod', 'app', 'tls-proxy']],
      ['cert-init', null, ['cert-init']],
    ],
  );
  const [owner, member, proxy] = pods[0]!.containers;
  assert.equal(owner!.namespaces, {
    net: { inode: '4001', declared: `own (network ${p}_default)` },
    pid: { inode: '5001', declared: 'own' },
  });
  assert.equal(member!.namespaces, { net: { inode: '4001', declared: 'service:pod' }, pid: { inode: '5001', declared: 'service:pod' } });
  assert.equal(proxy!.namespaces.net, { inode: '4002', declared: 'service:pod' }, 'an inode that differs is shown as read');
  assert.equal(
    owner!.ports,
    [{ container: '8443/tcp', host: '127.0.0.1:40001', unknown: '/proc/101/net: ENOENT' }],
    'a port whose path cannot be read says why (lab-paths reads it)',
  );
  assert.equal([member!.state, member!.health, proxy!.health, owner!.health], ['running', 'healthy', 'starting', null]);
  const lone = pods[1]!.containers[0]!;
  assert.equal([lone.state, lone.pid, lone.namespaces.net.inode, lone.namespaces.net.unreadable], ['exited', 0, null, 'not running']);
});

test('every container has exactly the fields the API documents', () => {
  nsOf(201, 1, 2);
  const [c] = podsOf([container('shop', 'web', { pid: 201 })], unknown, proc)[0]!.containers;
  assert.equal(Object.keys(c!).sort(), [
    'health',
    'id',
    'image',
    'mounts',
    'name',
    'namespaces',
    'pid',
    'ports',
    'role',
    'service',
    'startedAt',
    'state',
  ]);
  assert.equal(Object.keys(c!.namespaces).sort(), ['net', 'pid']);
});

test("what the lab keeps of an engine's inspect is the fields it reads, the same pod picture, without the health log", () => {
  nsOf(202, 1, 2);
  const c = container('shop', 'web', {
    pid: 202,
    health: 'healthy',
    ports: { '8443/tcp': [{ HostIp: '127.0.0.1', HostPort: '49153' }] },
    mounts: [{ Type: 'volume', Name: 'shop_data', Source: '/var/lib/x', Destination: '/data', RW: true }],
  });
  const raw = {
    ...c,
    GraphDriver: { Data: { LowerDir: 'x'.repeat(4000) } },
    State: { ...c.State, Health: { Status: 'healthy', FailingStreak: 0, Log: [{ Output: 'ok\n'.repeat(500) }] } },
    Config: { ...c.Config, Tty: false, Env: ['A=1'], Cmd: ['serve'], Healthcheck: { Test: ['CMD', 'true'] } },
    NetworkSettings: { ...c.NetworkSettings, Networks: { shop_default: { IPAddress: '172.18.0.2', MacAddress: '02:42' } } },
  } as unknown as Inspect;
  const kept = trimInspect(raw);
  assert.equal(kept.State.Health, { Status: 'healthy' });
  assert.equal(kept.NetworkSettings.Networks, { shop_default: { IPAddress: '172.18.0.2' } });
  assert.equal(Object.keys(kept).sort(), ['Config', 'HostConfig', 'Id', 'Mounts', 'Name', 'NetworkSettings', 'RestartCount', 'State']);
  assert.ok(JSON.stringify(kept).length < JSON.stringify(raw).length / 10);
  assert.equal(podsOf([kept], unknown, proc), podsOf([raw], unknown, proc));
});

test('a pod lists each volume or directory that more than one member mounts, with where and how each mounts it', () => {
  const p = 'sl-logs-0a0b0c';
  const vol = (name: string, target: string, rw: boolean) => ({
    Type: 'volume',
    Name: name,
    Source: `/var/lib/docker/volumes/${name}/_data`,
    Destination: target,
    RW: rw,
  });
  const bind = (src: string, target: string) => ({ Type: 'bind', Source: src, Destination: target, RW: false });
  const pod = container(p, 'pod', {});
  const app = container(p, 'app', { joins: pod.Id, mounts: [vol(`${p}_logs`, '/var/log/app', true), bind('/etc/certs', '/etc/tls')] });
  const shipper = container(p, 'log-shipper', {
    joins: pod.Id,
    mounts: [vol(`${p}_logs`, '/logs', false), vol(`${p}_cursor`, '/state', true)],
  });
  const [only] = podsOf([pod, app, shipper], unknown, proc);
  assert.equal(only!.shared, [
    {
      source: `${p}_logs`,
      members: [
        { service: 'app', target: '/var/log/app', readOnly: false },
        { service: 'log-shipper', target: '/logs', readOnly: true },
      ],
    },
  ]);
  assert.equal(only!.containers[1]!.mounts[1], { source: '/etc/certs', target: '/etc/tls', readOnly: true, kind: 'bind' });
});

test('a namespace that cannot be read says why instead of failing the page', () => {
  assert.equal(readNamespace(999_999, 'net', 'own', proc), { inode: null, declared: 'own', unreadable: 'ENOENT' });
  assert.equal(readNamespace(0, 'pid', 'service:pod', proc), { inode: null, declared: 'service:pod', unreadable: 'not running' });
  assert.equal(
    declaredMode('host', () => undefined),
    'host',
  );
  assert.equal(
    declaredMode('container:abcdef0123456789', () => undefined),
    'service:abcdef012345',
  );
});

test('readStacks shows our projects only, one stack each, and leaves out a container that vanished between list and inspect', async () => {
  const engine = fakeEngine([
    container('sl-https-0a0b0c', 'pod', {}),
    container('sl-https-0a0b0c', 'app', {}),
    container('sl-verify-123abc', 'web', {}),
    container('named', 'db', {}),
    container('someone-elses', 'db', {}),
    container('sl-https-notours', 'pod', {}),
  ]);
  engine.vanished.add(engine.containers[1]!.Id);
  const stacks = await readStacks(engine, oursBy(['named']), noRoles, proc);
  assert.equal(
    stacks.map((s) => [s.project, s.stack, s.pods.flatMap((p) => p.containers.map((c) => c.service))]),
    [
      ['named', 'named', ['db']],
      ['sl-https-0a0b0c', 'https', ['pod']],
      ['sl-verify-123abc', 'verify', ['web']],
    ],
  );
});

test("a runner's project gets its roles from identify's reading of Compose's resolution with the recorded env, read once", async () => {
  const project = `sl-https-${randomBytes(3).toString('hex')}`;
  writeRun({ stack: 'https', project, created: new Date().toISOString(), env: { CERT_DIR: tmpdir() }, files: ['compose.yaml'] });
  try {
    let reads = 0;
    const roles = rolesFromIdentify((...args) => {
      reads++;
      return readRoles(...args);
    });
    const of = await roles(project, httpsLabels);
    assert.equal(
      ['pod', 'tls-proxy', 'app', 'nothing'].map((s) => of(s).role),
      ['pause', 'tls-proxy', 'app', null],
    );
    await roles(project, httpsLabels);
    assert.equal(reads, 1);
  } finally {
    rmSync(runDir(project), { recursive: true, force: true });
  }
});

test('another project gets its roles from the files its labels name, read in a child process; where they cannot be read the roles are null', async () => {
  const roles = rolesFromIdentify();
  const dir = join(ROOT, 'test', 'fixtures', 'verify');
  const of = await roles('shop', {
    'com.docker.compose.project.config_files': join(dir, 'unordered.compose.yaml'),
    'com.docker.compose.project.working_dir': dir,
  });
  assert.equal(
    ['pod', 'tls-proxy', 'greeter'].map((s) => of(s).pattern),
    ['pause', 'sidecar', 'app'],
  );
  // No run.json and a required variable unset (CERT_DIR): neither Compose nor identify can read it.
  const https = await roles('sl-https-ffffff', httpsLabels);
  assert.equal(https('tls-proxy'), { role: null, pattern: null });
  const none = await roles('elsewhere', {});
  assert.equal(none('app'), { role: null, pattern: null });
});

test('which projects are ours: the runner’s sl-<stack>-<6 hex> and their side projects, verify’s, and those named; nothing else', () => {
  const ours = oursBy(['shop']);
  const yes = ['sl-https-1a2b3c', 'sl-mesh-00ff00-upstream', 'sl-verify-abcdef', 'shop'];
  const no = ['sl-https', 'sl-https-1a2b3', 'sl-https-1A2B3C', 'sl-verify-build', 'xsl-https-1a2b3c', 'shop2', '', undefined];
  assert.equal(yes.map(ours), [true, true, true, true]);
  assert.equal(
    no.map(ours),
    no.map(() => false),
  );
  assert.equal([stackOf('sl-https-1a2b3c'), stackOf('sl-mesh-00ff00-upstream'), stackOf('shop')], ['https', 'mesh', 'shop']);
});

test.run();
