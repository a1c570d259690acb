import { request } from 'node:http';
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { type AdminServer as Server, probe, startAdmin, type Readiness } from '../admin.js';
import { createLogger } from '../log.js';
import { parseMetrics, Registry } from '../metrics.js';
import { ParamError } from '../parse.js';
import { hostileRound, rawExchange } from '../test-support/hostile.js';
import { trickle } from '../test-support/slow-client.js';

const lines: string[] = [];
const log = createLogger('demo', 'debug', (l) => lines.push(l));

interface Ctx {
  server: Server;
  port: number;
  registry: Registry;
  readiness: Readiness;
}

const test = suite<Ctx>('admin', {} as Ctx);

test.before(async (ctx) => {
  ctx.registry = new Registry('demo');
  ctx.registry.counter('hits_total', 'Hits.').inc({ path: '/x' }, 7);
  ctx.readiness = { ready: true };
  ctx.server = await startAdmin({ port: 0, address: '127.0.0.1', log, registry: ctx.registry, readiness: async () => ctx.readiness });
  ctx.port = (ctx.server.address() as AddressInfo).port;
});
test.after(async (ctx) => {
  ctx.server.closeAllConnections();
  await new Promise((r) => ctx.server.close(r));
});

function call(port: number, method: string, path: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, agent: false, timeout: 2000 }, (res) => {
      let body = '';
      res
        .setEncoding('utf8')
        .on('data', (c) => (body += c))
        .on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

test('/healthz answers 200 ok, with or without a query string', async ({ port }) => {
  const r = await call(port, 'GET', '/healthz');
  assert.is(r.status, 200);
  assert.is(r.body, 'ok\n');
  const q = await call(port, 'GET', '/healthz?verbose=1');
  assert.is(q.status, 200);
  assert.is(q.body, 'ok\n');
});

test('HEAD /healthz answers 200 with no body', async ({ port }) => {
  const r = await call(port, 'HEAD', '/healthz');
  assert.is(r.status, 200);
  assert.is(r.body, '');
});

test('/readyz answers 200 when ready and 503 with the reason when not', async (ctx) => {
  ctx.readiness = { ready: true };
  const ok = await call(ctx.port, 'GET', '/readyz');
  assert.equal([ok.status, ok.body], [200, 'ready\n']);
  ctx.readiness = { ready: false, reason: 'upstream 127.0.0.1:8080: ECONNREFUSED' };
  const r = await call(ctx.port, 'GET', '/readyz');
  assert.is(r.status, 503);
  assert.is(r.body, 'not ready: upstream 127.0.0.1:8080: ECONNREFUSED\n');
  ctx.readiness = { ready: false };
  assert.is((await call(ctx.port, 'GET', '/readyz')).body, 'not ready: starting\n');
  ctx.readiness = { ready: true };
});

test('/metrics answers the registry in Prometheus text format 0.0.4', async ({ port }) => {
  const r = await call(port, 'GET', '/metrics');
  assert.is(r.status, 200);
  assert.is(r.headers['content-type'], 'text/plain; version=0.0.4');
  assert.ok(r.body.includes('# TYPE demo_hits_total counter\n'));
  assert.is(parseMetrics(r.body).get('demo_hits_total{path="/x"}'), 7);
});

test('methods other than GET and HEAD get 405 with an Allow header', async ({ port }) => {
  for (const method of ['POST', 'PUT', 'DELETE']) {
    const r = await call(port, method, '/healthz');
    assert.is(r.status, 405, method);
    assert.is(r.headers.allow, 'GET, HEAD');
    assert.is(r.body, 'method not allowed\n');
  }
});

test('an unknown path gets 404 naming the paths that exist', async ({ port }) => {
  const r = await call(port, 'GET', '/status');
  assert.is(r.status, 404);
  assert.is(r.body, 'not found: try /healthz, /readyz or /metrics\n');
});

test('probe is true for a 200 and false for a 503 or a port nobody listens on', async (ctx) => {
  assert.is(await probe(ctx.port), true);
  ctx.readiness = { ready: false, reason: 'x' };
  assert.is(await probe(ctx.port, '/readyz'), false);
  ctx.readiness = { ready: true };
  assert.is(await probe(ctx.port, '/readyz'), true);
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const closedPort = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  assert.is(await probe(closedPort), false);
});

test('probe gives up with false when the port accepts but never answers', async () => {
  const silent = createServer((sock) => {
    sock.resume(); /* read, never answer */
  });
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  const t0 = Date.now();
  try {
    assert.is(await probe((silent.address() as AddressInfo).port, '/healthz', 200), false);
    assert.ok(Date.now() - t0 < 1500, 'the timeout bounds the probe');
  } finally {
    await new Promise((r) => silent.close(r));
  }
});

test('startAdmin rejects a port in use with an error that names --admin-port', async ({ port }) => {
  try {
    await startAdmin({ port, address: '127.0.0.1', log, registry: new Registry('x'), readiness: () => ({ ready: true }) });
    assert.unreachable('should throw');
  } catch (e) {
    assert.instance(e, ParamError);
    assert.is((e as ParamError).key, 'adminPort');
    assert.is((e as ParamError).message, `127.0.0.1:${port} is already in use`);
  }
});

test('startAdmin rejects an address that does not resolve with an error that names --admin-address', async () => {
  try {
    await startAdmin({ port: 0, address: 'no-such-host.invalid', log, registry: new Registry('x'), readiness: () => ({ ready: true }) });
    assert.unreachable('should throw');
  } catch (e) {
    assert.instance(e, ParamError);
    assert.is((e as ParamError).key, 'adminAddress');
  }
});

test('every malformed request target gets a 4xx, and the admin server still answers /healthz afterwards', async ({ port }) => {
  const statuses = await hostileRound({ port });
  for (const [target, status] of statuses) assert.ok(status !== undefined && status >= 400 && status < 500, `${target} -> ${status}`);
  assert.is((await rawExchange({ port }, 'GET //[ HTTP/1.1\r\nHost: x\r\n\r\n')).status, 400);
  assert.is((await call(port, 'GET', '/healthz')).status, 200);
});

test('a readiness check that throws gets a 500 and one error log line, and the server keeps serving', async () => {
  const before = lines.length;
  const server = await startAdmin({
    port: 0,
    address: '127.0.0.1',
    log,
    registry: new Registry('x'),
    readiness: () => {
      throw new Error('boom');
    },
  });
  const port = (server.address() as AddressInfo).port;
  try {
    assert.is((await call(port, 'GET', '/readyz')).status, 500);
    const logged = lines.slice(before).map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(
      logged.map((l) => [l.level, l.msg, l.err]),
      [['error', 'handler failed', 'boom']],
    );
    assert.is((await call(port, 'GET', '/healthz')).status, 200);
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});

test('a head trickled one line every 100 ms is answered 408 and closed at the header deadline: more bytes do not extend it', async () => {
  const server = await startAdmin({
    port: 0,
    address: '127.0.0.1',
    log,
    registry: new Registry('demo'),
    readiness: () => ({ ready: true }),
    headerTimeoutMs: 1000,
  });
  try {
    const port = (server.address() as AddressInfo).port;
    const s = await new Promise<Socket>((resolve) => {
      const c = connect(port, '127.0.0.1', () => resolve(c));
    });
    const r = await trickle(s, { first: 'GET /healthz HTTP/1.1\r\nHost: x\r\n', piece: 'X-Slow: 1\r\n', everyMs: 100, limitMs: 8000 });
    assert.is(r.status, 408);
    // Enforced to within a second past the deadline (the server checks its connections once a second).
    assert.ok(r.closedMs >= 950 && r.closedMs < 4000, `closed after ${r.closedMs} ms`);
    assert.ok(r.pieces >= 8, `only ${r.pieces} pieces`);
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});

test.run();
