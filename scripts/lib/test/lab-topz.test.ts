// The Processes view where topz is attached: the lab asks topz (its published port, its token from the
// file the container mounts) and shows its answer as "from topz"; where topz serves only the pod loopback,
// refuses the token, never answers within the deadline, or answers something else, the lab reads /proc
// itself and says why. A fake topz server on 127.0.0.1 stands in for the sidecar.
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { within } from '../../../sidecars/lib/test-support/wait.js';
import type { Inspect } from '../lab/engine.js';
import { processesOf } from '../lab/pod-processes.js';
import { topzAddress } from '../lab/topz.js';
import { container, fakeEngine, imageLabels } from './lab-support.js';

const test = suite('lab: topz');
const TOKEN = 't'.repeat(40);
const P = 'sl-topz-0a0b0c';

const topzLabels = imageLabels('topz');

const TOPZ_ANSWER = {
  schema: 'topz/v1',
  scannedAt: '2026-01-01T00:00:00Z',
  scanMs: 1,
  truncated: null,
  skipped: { vanished: 1, unreadable: 2 },
  limits: { maxProcesses: 2000, scanTimeoutMs: 1000 },
  shown: { cmdline: false, environ: false },
  warnings: [],
  processes: [
    {
      pid: 1,
      ppid: 0,
      name: 'pause',
      state: 'S',
      cpuPercent: 0,
      cpuHistory: [],
      rssBytes: 4096,
      threads: 1,
      startTime: '2026-01-01T00:00:00Z',
      uid: 65535,
      user: '65535',
      self: false,
    },
    {
      pid: 7,
      ppid: 0,
      name: 'topz',
      state: 'S',
      cpuPercent: 1,
      cpuHistory: [],
      rssBytes: 8192,
      threads: 4,
      startTime: '2026-01-01T00:00:00Z',
      uid: 10004,
      user: 'topz',
      self: true,
    },
  ],
};

/** A fake topz: answers /api/processes to the right bearer token, 401 to any other; or never answers. */
async function fakeTopz(mode: 'answer' | 'hang' | 'garbage') {
  const seen: string[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    seen.push(`${req.method} ${req.url} ${req.headers.authorization === `Bearer ${TOKEN}` ? 'token' : 'no token'}`);
    if (mode === 'hang') return;
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return void res.writeHead(401).end('unauthorized\n');
    res.writeHead(200, { 'content-type': 'application/json' }).end(mode === 'garbage' ? '<html>' : JSON.stringify(TOPZ_ANSWER));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const close = () => {
    server.closeAllConnections();
    return new Promise<void>((r) => server.close(() => r()));
  };
  return { port: (server.address() as AddressInfo).port, seen, close };
}

/** The topz pod as inspect shows it: the pause container publishing topz's port, and topz with its token mount. */
function topzPod(port: number, o: { env?: string[]; token?: string } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'lab-topz-'));
  writeFileSync(join(dir, 'token'), `${o.token ?? TOKEN}\n`);
  const proc = join(dir, 'proc');
  mkdirSync(join(proc, '4242', 'ns'), { recursive: true });
  symlinkSync('pid:[77]', join(proc, '4242', 'ns', 'pid'));
  const pod = container(P, 'pod', { pid: 4242, ports: { '9700/tcp': [{ HostIp: '127.0.0.1', HostPort: String(port) }] } });
  const topz: Inspect = container(P, 'topz', { pid: 4243, joins: pod.Id, labels: topzLabels });
  topz.Config.Env = o.env ?? ['TOPZ_LISTEN_ADDRESS=0.0.0.0', 'TOPZ_TOKEN_FILE=/run/topz/token'];
  topz.Mounts = [{ Type: 'bind', Source: dir, Destination: '/run/topz', RW: false }];
  const app = container(P, 'app', { pid: 4244, joins: pod.Id });
  return { engine: fakeEngine([pod, topz, app]), pod, topz, app, proc };
}

test('with topz attached, the processes are topz’s answer, asked with the token from its mounted file', async () => {
  const topz = await fakeTopz('answer');
  try {
    const { engine, app, proc } = topzPod(topz.port);
    const a = await processesOf(engine, app, { procRoot: proc });
    assert.equal([a.source, a.via, a.fallback, a.cmdline], ['topz', `http://127.0.0.1:${topz.port}/api/processes`, undefined, false]);
    assert.equal(
      a.processes.map((p) => [p.pid, p.podPid, p.name, p.uid, p.rssBytes, p.args]),
      [
        [null, 1, 'pause', 65535, 4096, []],
        [null, 7, 'topz', 10004, 8192, []],
      ],
    );
    assert.equal([a.skipped, a.truncated, a.container, a.pid], [3, false, `${P}-app-1`, 4244]);
    assert.equal(topz.seen, ['GET /api/processes token']);
  } finally {
    await topz.close();
  }
});

test('a refused token, a topz that never answers, or one that answers something else: the lab reads /proc and says why', async () => {
  for (const [mode, token, why] of [
    ['answer', 'w'.repeat(40), /^topz answered 401 \(the token the lab read is not the one topz has\)$/],
    ['hang', TOKEN, /^topz did not answer within 300 ms$/],
    ['garbage', TOKEN, /^topz answered something that is not JSON$/],
  ] as const) {
    const topz = await fakeTopz(mode);
    try {
      const { engine, app, proc } = topzPod(topz.port, { token });
      const started = Date.now();
      const a = await within(5000, `the ${mode} case`, processesOf(engine, app, { procRoot: proc, topzDeadlineMs: 300 }));
      assert.equal([a.source, a.via, a.cmdline], ['lab', undefined, true], mode);
      assert.match(a.fallback ?? '', why);
      assert.equal(a.processes.length, 0, 'the lab read its own (fake, empty) /proc');
      assert.ok(Date.now() - started < 3000, `the deadline held (${Date.now() - started} ms)`);
      assert.equal(topz.seen.length, 1, 'topz was asked once');
    } finally {
      await topz.close();
    }
  }
});

test('where the lab cannot reach topz or find its token it says so; a pod without topz is read by the lab, with no excuse', async () => {
  const { pod, topz, engine } = topzPod(1);
  const loop = { ...topz, Config: { ...topz.Config, Env: ['TOPZ_TOKEN_FILE=/run/topz/token'] } };
  assert.equal(topzAddress(loop, pod), {
    why: 'topz serves only the pod loopback (listen address 127.0.0.1), which the lab cannot reach from the host',
  });
  const unpublished: Inspect = { ...pod, NetworkSettings: { Ports: {}, Networks: { [`${P}_default`]: { IPAddress: '172.18.0.5' } } } };
  assert.equal(
    topzAddress({ ...topz, Config: { ...topz.Config, Env: ['TOPZ_LISTEN_ADDRESS=0.0.0.0', `TOPZ_TOKEN=${TOKEN}`] } }, unpublished),
    {
      url: 'http://172.18.0.5:9700/api/processes',
      token: TOKEN,
    },
  );
  const big = { ...topz, Config: { ...topz.Config, Env: ['TOPZ_LISTEN_ADDRESS=0.0.0.0', 'TOPZ_TOKEN_FILE=/run/topz/big'] } };
  writeFileSync(join(topz.Mounts![0]!.Source, 'big'), 'x'.repeat(5000));
  assert.equal(topzAddress(big, pod), { why: "topz's token file is not a file of at most 4096 bytes" }, 'a large file is not read');
  assert.equal(topzAddress({ ...topz, Mounts: [] }, pod), { why: "topz's token file /run/topz/token is not on a mount the lab can read" });
  assert.equal(topzAddress({ ...topz, Config: { ...topz.Config, Env: ['TOPZ_LISTEN_ADDRESS=0.0.0.0'] } }, pod), {
    why: 'topz has no token the lab can find',
  });
  const alone = container(P, 'web', { pid: 4300 });
  engine.containers.push(alone);
  const a = await processesOf(engine, alone, { procRoot: join(tmpdir(), 'no-such-proc-root') });
  assert.equal([a.source, a.fallback, a.cmdline], ['lab', undefined, true]);
});

test.run();
