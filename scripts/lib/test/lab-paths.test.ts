// Each published port's path (pod port → sidecar → 127.0.0.1:app), from a fake /proc: listening sockets in
// net/tcp and tcp6, socket inodes in fd/, each process's container by its cgroup (v1 and v2) or by descent,
// and where a sidecar forwards from the parameters its image declares. Any net/tcp text parses.
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { forwardOf, paramValue } from '../lab/declared.js';
import type { Inspect } from '../lab/engine.js';
import { netnsIndex } from '../lab/owners.js';
import { podPaths } from '../lab/paths.js';
import { parseListeners } from '../lab/sockets.js';
import { podsOf } from '../lab/stacks.js';
import { container, imageLabels } from './lab-support.js';

const test = suite('lab: port paths');

const hex4 = (n: number) => n.toString(16).toUpperCase().padStart(4, '0');
/** A net/tcp line as the kernel writes it: address in host (little-endian) byte order. */
const tcpLine = (i: number, ip: [number, number, number, number], port: number, state: string, inode: number) =>
  `  ${i}: ${ip
    .map((b) => b.toString(16).toUpperCase().padStart(2, '0'))
    .reverse()
    .join(
      '',
    )}:${hex4(port)} 00000000:0000 ${state} 00000000:00000000 00:00000000 00000000   100        0 ${inode} 1 0000000000000000 100 0 0 10 0`;
const HEAD = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
const v6Any = (port: number, inode: number) =>
  `   0: 00000000000000000000000000000000:${hex4(port)} 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000   100        0 ${inode} 1 0000000000000000 100 0 0 10 0`;

/** A fake /proc: each process's net namespace, parent, cgroup and the socket inodes it holds. */
function fakeProc(procs: { pid: number; net: number; ppid: number; cgroup: string; sockets: number[] }[], tcp: string, tcp6?: string) {
  const proc = mkdtempSync(join(tmpdir(), 'lab-paths-'));
  for (const p of procs) {
    const dir = join(proc, String(p.pid));
    mkdirSync(join(dir, 'ns'), { recursive: true });
    mkdirSync(join(dir, 'fd'));
    mkdirSync(join(dir, 'net'));
    symlinkSync(`net:[${p.net}]`, join(dir, 'ns', 'net'));
    writeFileSync(join(dir, 'stat'), `${p.pid} (x) S ${p.ppid} ${Array(18).fill(0).join(' ')}\n`);
    writeFileSync(join(dir, 'cgroup'), p.cgroup);
    writeFileSync(join(dir, 'net', 'tcp'), HEAD + tcp);
    if (tcp6 !== undefined) writeFileSync(join(dir, 'net', 'tcp6'), HEAD + tcp6);
    symlinkSync('/dev/null', join(dir, 'fd', '0'));
    p.sockets.forEach((s, i) => symlinkSync(`socket:[${s}]`, join(dir, 'fd', String(3 + i))));
  }
  return proc;
}

const P = 'sl-https-0a0b0c';
const pause = container(P, 'pod', { pid: 300, ports: { '8443/tcp': [{ HostIp: '127.0.0.1', HostPort: '49153' }] } });
const proxy = container(P, 'tls-proxy', { pid: 301, joins: pause.Id, labels: imageLabels('tls-proxy') });
proxy.Config.Env = ['PATH=/bin', 'TLS_PROXY_UPSTREAM_PORT=8080'];
const app = container(P, 'app', { pid: 302, joins: pause.Id });
const v1 = (id: string) => `12:pids:/docker/${id}\n4:memory:/docker/${id}\n0::/\n`;
const v2 = (id: string) => `0::/system.slice/docker-${id}.scope\n`;
const pattern = (s: string) => ({ app: 'app', pod: 'pause', 'tls-proxy': 'sidecar' })[s] ?? null;
const svc = (c: Inspect) => c.Config.Labels['com.docker.compose.service']!;

test('the https pod: 127.0.0.1:H → :8443 tls-proxy → 127.0.0.1:8080 app; the admin port ends at tls-proxy', () => {
  const proc = fakeProc(
    [
      { pid: 300, net: 7, ppid: 1, cgroup: v1(pause.Id), sockets: [] },
      { pid: 301, net: 7, ppid: 1, cgroup: v1(proxy.Id), sockets: [9001, 9003] },
      { pid: 302, net: 7, ppid: 1, cgroup: v2(app.Id), sockets: [] },
      // the app's worker: its cgroup names no container (a private cgroup namespace); it descends from the app
      { pid: 303, net: 7, ppid: 302, cgroup: '0::/\n', sockets: [9002] },
      { pid: 400, net: 8, ppid: 1, cgroup: v1('f'.repeat(64)), sockets: [9001] },
    ],
    [
      tcpLine(0, [0, 0, 0, 0], 8443, '0A', 9001),
      tcpLine(1, [127, 0, 0, 1], 8080, '0A', 9002),
      tcpLine(2, [10, 0, 0, 2], 8443, '01', 9009),
    ].join('\n'),
    v6Any(9901, 9003),
  );
  const pods = podsOf([app, proxy, pause], (s) => ({ role: s, pattern: pattern(s) }), proc);
  const owner = pods[0]!.containers[0]!;
  assert.equal(owner.ports, [
    { container: '8443/tcp', host: '127.0.0.1:49153', listener: 'tls-proxy', upstream: { address: '127.0.0.1:8080', service: 'app' } },
  ]);
  const path = podPaths([pause, proxy, app], svc, pattern, proc);
  assert.equal(path('9901/tcp'), { listener: 'tls-proxy' }, 'an admin port is served by the sidecar itself');
  assert.equal(path('53/udp'), { unknown: 'only TCP ports are traced (53/udp)' });
  assert.equal(path('9999/tcp'), { unknown: 'nothing in the pod listens on :9999' });
});

test('a link that cannot be known is said with its reason, never guessed', () => {
  const proc = fakeProc(
    [
      { pid: 300, net: 7, ppid: 1, cgroup: v1(pause.Id), sockets: [] },
      { pid: 301, net: 7, ppid: 1, cgroup: v2(proxy.Id), sockets: [9001] },
      { pid: 302, net: 7, ppid: 1, cgroup: v2(app.Id), sockets: [9005] },
      { pid: 500, net: 7, ppid: 1, cgroup: '0::/elsewhere\n', sockets: [9004] },
    ],
    [
      tcpLine(0, [0, 0, 0, 0], 8443, '0A', 9001),
      tcpLine(1, [0, 0, 0, 0], 7000, '0A', 9004),
      tcpLine(2, [127, 0, 0, 1], 6000, '0A', 9005),
      tcpLine(3, [0, 0, 0, 0], 5000, '0A', 9006),
    ].join('\n'),
  );
  const path = podPaths([pause, proxy, app], svc, pattern, proc);
  assert.equal(path('8443/tcp'), {
    listener: 'tls-proxy',
    upstream: { address: '127.0.0.1:8080' },
    unknown: 'nothing in the pod listens on 127.0.0.1:8080 (tls-proxy: TLS_PROXY_UPSTREAM_PORT=8080, upstream-host 127.0.0.1 (default))',
  });
  assert.equal(path('7000/tcp'), { unknown: 'pid 500 listens on :7000, and belongs to no member of the pod' });
  assert.equal(path('6000/tcp'), { unknown: 'only 127.0.0.1:6000 listens, not :6000' }, 'a loopback listener cannot take a published port');
  assert.equal(path('5000/tcp'), { unknown: 'no process the lab can see holds the socket listening on :5000' });
  const gone = podPaths([pause, proxy, app], svc, pattern, join(proc, 'nothing'));
  assert.match(gone('8443/tcp').unknown ?? '', /^\/proc\/300\/net: ENOENT$/);
  const stopped = container(P, 'pod', {});
  assert.equal(podPaths([stopped], svc, pattern, proc)('8443/tcp'), { unknown: 'no member of the pod is running' });
});

test('a listener whose image declares nothing is unknown unless it is the app; a flag overrides the env var', () => {
  const proc = fakeProc(
    [
      { pid: 300, net: 7, ppid: 1, cgroup: v1(pause.Id), sockets: [] },
      { pid: 302, net: 7, ppid: 1, cgroup: v1(app.Id), sockets: [9001] },
    ],
    tcpLine(0, [0, 0, 0, 0], 8443, '0A', 9001),
  );
  assert.equal(podPaths([pause, app], svc, pattern, proc)('8443/tcp'), { listener: 'app' });
  assert.equal(podPaths([pause, app], svc, () => 'sidecar', proc)('8443/tcp'), {
    listener: 'app',
    unknown: "app's image declares no parameters: where it forwards, if anywhere, is not known",
  });
  const flagged: Inspect = { ...proxy, Config: { ...proxy.Config, Cmd: ['--upstream-port', '9090', '--upstream-host=10.1.2.3'] } };
  assert.equal(forwardOf(flagged, 8443), { host: '10.1.2.3', port: 9090, from: '--upstream-port=9090, --upstream-host=10.1.2.3' });
  assert.equal(forwardOf(flagged, 9901), undefined, 'the admin port is not forwarded');
  assert.equal(paramValue(app, 'upstream-port'), undefined);
  const mesh = container(P, 'mesh-proxy', { labels: imageLabels('mesh-proxy') });
  assert.equal(forwardOf(mesh, 15006), { host: '127.0.0.1', port: 8080, from: 'app-port 8080 (default)' });
});

test('net/tcp and tcp6 lines give each listening socket’s address, port and inode; other states are left out', () => {
  const got = parseListeners(
    [
      HEAD,
      tcpLine(0, [127, 0, 0, 1], 8080, '0A', 11),
      tcpLine(1, [10, 0, 0, 2], 443, '01', 12),
      v6Any(9901, 13),
      '   0: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000   100        0 14 1 0 100 0 0 10 0',
      '   0: 0000000000000000FFFF00000100007F:0050 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000   100        0 15 1 0 100 0 0 10 0',
    ].join('\n'),
  );
  assert.equal(got, [
    { address: '127.0.0.1', port: 8080, inode: '11' },
    { address: '::', port: 9901, inode: '13' },
    { address: '::1', port: 8080, inode: '14' },
    { address: '::ffff:127.0.0.1', port: 80, inode: '15' },
  ]);
});

test('any text parses without a throw, and every listening line written parses back to what it says', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 2000 }), (s) => Array.isArray(parseListeners(s))),
    { numRuns: 500 },
  );
  fc.assert(
    fc.property(
      fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)),
      fc.integer({ min: 1, max: 65535 }),
      fc.integer({ min: 1, max: 2 ** 31 }),
      fc.constantFrom('0A', '01', '06'),
      (ip, port, inode, state) => {
        const got = parseListeners(`${HEAD}${tcpLine(0, ip, port, state, inode)}\n`);
        assert.equal(got, state === '0A' ? [{ address: ip.join('.'), port, inode: String(inode) }] : []);
      },
    ),
    { numRuns: 300 },
  );
});

test("one index of the host's processes by network namespace serves every pod of a read: the host is listed once", () => {
  const proc = fakeProc(
    [
      { pid: 300, net: 7, ppid: 1, cgroup: v1(pause.Id), sockets: [] },
      { pid: 301, net: 7, ppid: 1, cgroup: v1(proxy.Id), sockets: [9001] },
      { pid: 500, net: 9, ppid: 1, cgroup: '0::/\n', sockets: [] },
    ],
    tcpLine(0, [0, 0, 0, 0], 8443, '0A', 9001),
  );
  const inNs = netnsIndex(proc);
  assert.equal([inNs('net:[7]'), inNs('net:[9]'), inNs('net:[8]')], [[300, 301], [500], []]);
  // A process that appears after the index was read is not in it; the next read's index sees it.
  mkdirSync(join(proc, '302', 'ns'), { recursive: true });
  symlinkSync('net:[7]', join(proc, '302', 'ns', 'net'));
  assert.equal(inNs('net:[7]'), [300, 301]);
  assert.equal(netnsIndex(proc)('net:[7]'), [300, 301, 302]);
  // Paths read through a shared index are those read with one of their own.
  const shared = podPaths([pause, proxy], svc, pattern, proc, inNs)('8443/tcp');
  assert.equal(shared.listener, 'tls-proxy');
  assert.equal(shared, podPaths([pause, proxy], svc, pattern, proc)('8443/tcp'));
});

test.run();
