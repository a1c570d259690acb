import { readFileSync } from 'node:fs';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { adminPort, healthcheck, PROBE_TIMEOUT_MS, probe200 } from '../health.js';
import { exited, runMain } from '../test-support/child.js';
import { freePort } from '../test-support/wait.js';

// Runs under Bun (the sidecars' runtime), from dist/: the probe uses Bun's own socket.
const ROOT = join(fileURLToPath(import.meta.url), '../../../../..');
const SIDECARS = ['config-sync', 'git-sync', 'log-shipper', 'mesh-proxy', 'tls-proxy', 'topz'];

/** A server on 127.0.0.1 that hands each connection, and the request head it got, to `answer`. */
async function server(answer: (socket: Socket, head: string) => void): Promise<{ port: number; heads: string[]; close(): void }> {
  const heads: string[] = [];
  const sockets = new Set<Socket>();
  const s: Server = createServer((socket) => {
    sockets.add(socket);
    let head = '';
    socket.setEncoding('latin1');
    socket.on('error', () => undefined);
    socket.on('data', (c: string) => {
      head += c;
      if (head.includes('\r\n\r\n')) {
        heads.push(head);
        answer(socket, head);
      }
    });
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return {
    port: (s.address() as AddressInfo).port,
    heads,
    close: () => {
      for (const c of sockets) c.destroy();
      s.close();
    },
  };
}

const status = (code: string) => (socket: Socket) => socket.end(`HTTP/1.1 ${code}\r\ncontent-length: 0\r\n\r\n`);

const test = suite('health probe');

test('the probe passes on a 200 from /healthz, sent as one HTTP/1.0 request to the port asked', async () => {
  const s = await server(status('200 OK'));
  try {
    assert.is(await probe200(s.port, '/healthz'), true);
    assert.is(s.heads.length, 1);
    assert.match(s.heads[0]!, /^GET \/healthz HTTP\/1\.0\r\nHost: 127\.0\.0\.1:\d+\r\n\r\n$/);
  } finally {
    s.close();
  }
});

test('the probe fails on any other status, and on a 200 that is not the status line', async () => {
  for (const code of ['503 Service Unavailable', '204 No Content', '500 Internal Server Error']) {
    const s = await server(status(code));
    try {
      assert.is(await probe200(s.port, '/readyz'), false, code);
    } finally {
      s.close();
    }
  }
  const odd = await server((socket) => socket.end('HTTP/1.1 500 200 OK\r\n\r\n'));
  try {
    assert.is(await probe200(odd.port, '/healthz'), false);
  } finally {
    odd.close();
  }
});

test('the probe fails at once when nothing listens, and on a port that cannot be one', async () => {
  const t0 = Date.now();
  assert.is(await probe200(await freePort(), '/healthz'), false);
  assert.ok(Date.now() - t0 < 2000, 'a refused connection does not wait for the deadline');
  for (const port of [0, -1, 65536, Number.NaN, 1.5]) assert.is(await probe200(port, '/healthz'), false, String(port));
});

test('a server that answers nothing, or trickles its status line, fails the probe at its deadline', async () => {
  const silent = await server(() => undefined);
  const trickling = await server((socket) => {
    const t = setInterval(() => socket.writable && socket.write('H'), 50);
    socket.on('close', () => clearInterval(t));
  });
  try {
    for (const s of [silent, trickling]) {
      const t0 = Date.now();
      assert.is(await probe200(s.port, '/healthz', 600), false);
      const took = Date.now() - t0;
      assert.ok(took >= 550 && took < 3000, `the deadline ends it (${took} ms)`);
    }
  } finally {
    silent.close();
    trickling.close();
  }
});

test("the admin port comes from the sidecar's ADMIN_PORT env var, else from its table's default", () => {
  const spec = { prefix: 'DEMO', params: { adminPort: { default: 9999 } } };
  assert.is(adminPort(spec, {}), 9999);
  assert.is(adminPort(spec, { DEMO_ADMIN_PORT: '12345', OTHER_ADMIN_PORT: '1' }), 12345);
});

test('healthcheck asks /healthz, and /readyz with --ready, and turns the answer into an exit code', async () => {
  const s = await server((socket, head) => status(head.startsWith('GET /readyz ') ? '503 Service Unavailable' : '200 OK')(socket));
  try {
    const spec = { prefix: 'DEMO', params: { adminPort: { default: 1 } } };
    const env = { DEMO_ADMIN_PORT: String(s.port) };
    assert.is(await healthcheck(spec, [], env), 0);
    assert.is(await healthcheck(spec, ['--ready'], env), 1);
    assert.equal(
      s.heads.map((h) => h.split(' ')[1]),
      ['/healthz', '/readyz'],
    );
  } finally {
    s.close();
  }
});

test("each sidecar's health.mjs, the image's HEALTHCHECK, imports nothing and probes the admin port its env var names", async () => {
  const s = await server((socket, head) => status(head.startsWith('GET /readyz ') ? '503 Service Unavailable' : '200 OK')(socket));
  try {
    for (const name of SIDECARS) {
      const bundle = join(ROOT, 'sidecars', name, 'dist', 'health.mjs');
      assert.not.match(readFileSync(bundle, 'utf8'), /\bfrom\s*["']|\brequire\(|\bimport\(/, `${name}: the bundle loads no module`);
      const { spec } = (await import(join(ROOT, 'dist', 'sidecars', name, 'src', 'params.js'))) as { spec: { prefix: string } };
      const env = { [`${spec.prefix}_ADMIN_PORT`]: String(s.port) };
      assert.equal(await exited(runMain(bundle, [], env), 10_000), { code: 0, signal: null }, `${name}: healthy`);
      assert.equal(await exited(runMain(bundle, ['--ready'], env), 10_000), { code: 1, signal: null }, `${name}: not ready`);
    }
    assert.is(s.heads.length, SIDECARS.length * 2);
  } finally {
    s.close();
  }
});

test('the probe ends its own wait before the engine’s HEALTHCHECK timeout of every image that runs it', () => {
  const dockerfile = readFileSync(join(ROOT, 'images', 'Dockerfile'), 'utf8');
  const probes = [...dockerfile.matchAll(/HEALTHCHECK [^\n]*--timeout=(\d+)s[^\n]*\/opt\/sidecar\/health\.mjs/g)];
  assert.ok(probes.length >= 2, 'the sidecar images’ HEALTHCHECK lines are found');
  for (const [line, timeout] of probes) assert.ok(PROBE_TIMEOUT_MS < Number(timeout) * 1000, line);
});

test.run();
