import { request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createLogger } from '../../lib/log.js';
import { hostileRound } from '../../lib/test-support/hostile.js';
import type { Snapshot } from '../src/schema.js';
import { authorized, createTopzServer } from '../src/server.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function call(port: number, method: string, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      let body = '';
      res
        .setEncoding('utf8')
        .on('data', (c) => (body += c))
        .on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    })
      .on('error', reject)
      .end(method === 'POST' ? '{"x":1}' : undefined);
  });
}

const SNAP: Snapshot = {
  schema: 'topz/v1',
  scannedAt: new Date(0).toISOString(),
  scanMs: 1,
  truncated: null,
  skipped: { vanished: 0, unreadable: 0 },
  limits: { maxProcesses: 10, scanTimeoutMs: 1000 },
  shown: { cmdline: false, environ: false },
  warnings: [],
  processes: [
    {
      pid: 1,
      ppid: 0,
      name: 'marker-proc',
      state: 'S',
      cpuPercent: 1.5,
      cpuHistory: [],
      rssBytes: 4096,
      threads: 1,
      startTime: new Date(0).toISOString(),
      uid: 0,
      user: 'root',
      self: false,
    },
  ],
};

interface Ctx {
  server: Server;
  port: number;
  token: string | undefined;
  scans: number;
}
const test = suite<Ctx>('topz HTTP server', {} as Ctx);

test.before(async (ctx) => {
  ctx.token = 's3cret-token';
  ctx.scans = 0;
  ctx.server = createTopzServer({
    token: () => ctx.token,
    snapshot: () => {
      ctx.scans++;
      return SNAP;
    },
    refreshMs: 1500,
    log: createLogger('topz', 'error', () => {}),
  });
  await new Promise<void>((r) => ctx.server.listen(0, '127.0.0.1', r));
  ctx.port = (ctx.server.address() as AddressInfo).port;
});
test.after((ctx) => new Promise<void>((r) => ctx.server.close(() => r())));

test('every method but GET and HEAD gets 405 with Allow, on every path, before any scan or token check', async (ctx) => {
  const before = ctx.scans;
  for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE']) {
    for (const path of ['/', '/api/processes', '/metrics', '/nowhere']) {
      const r = await call(ctx.port, method, path);
      assert.is(r.status, 405, `${method} ${path}`);
      assert.is(r.headers.allow, 'GET, HEAD');
    }
  }
  assert.is(ctx.scans, before, 'no scan was made for a refused method');
});

test('GET of the data endpoints needs the bearer token: none or a wrong one is 401, the right one 200 (a positive control)', async (ctx) => {
  for (const path of ['/api/processes', '/metrics']) {
    assert.is((await call(ctx.port, 'GET', path)).status, 401, `${path} without a token`);
    assert.is((await call(ctx.port, 'GET', path, { authorization: 'Bearer wrong' })).status, 401, `${path} with a wrong token`);
    const ok = await call(ctx.port, 'GET', path, { authorization: `Bearer ${ctx.token}` });
    assert.is(ok.status, 200, `${path} with the token`);
  }
  const json = JSON.parse((await call(ctx.port, 'GET', '/api/processes', { authorization: `bearer ${ctx.token}` })).body) as Snapshot;
  assert.is(json.processes[0]!.name, 'marker-proc');
});

test('the page and its assets need no token, hold no process data and come with a strict CSP', async (ctx) => {
  const page = await call(ctx.port, 'GET', '/');
  assert.is(page.status, 200);
  assert.match(String(page.headers['content-security-policy']), /script-src 'self'/);
  assert.match(page.body, /data-refresh-ms="1500"/);
  assert.not.match(page.body, /marker-proc/);
  assert.is((await call(ctx.port, 'GET', '/topz.js')).status, 200);
  assert.match((await call(ctx.port, 'GET', '/api/schema')).body, /"topz\/v1"/);
});

test('HEAD answers like GET without a body, and unknown paths are 404', async (ctx) => {
  const head = await call(ctx.port, 'HEAD', '/api/processes', { authorization: `Bearer ${ctx.token}` });
  assert.equal([head.status, head.body], [200, '']);
  assert.is((await call(ctx.port, 'GET', '/etc/passwd')).status, 404);
});

test('without a configured token the data endpoints answer without one', async (ctx) => {
  ctx.token = undefined;
  try {
    assert.is((await call(ctx.port, 'GET', '/api/processes')).status, 200);
  } finally {
    ctx.token = 's3cret-token';
  }
});

test('the token comparison accepts only the exact token after "Bearer"', () => {
  assert.ok(authorized('Bearer abc', 'abc'));
  assert.ok(!authorized('Bearer abcd', 'abc'));
  assert.ok(!authorized('abc', 'abc'));
  assert.ok(!authorized(undefined, 'abc'));
  assert.ok(authorized(undefined, undefined));
});

test('every malformed request target gets a 4xx without a scan, and the server still serves the page afterwards', async (ctx) => {
  const before = ctx.scans;
  const statuses = await hostileRound({ port: ctx.port });
  for (const [target, status] of statuses) assert.ok(status !== undefined && status >= 400 && status < 500, `${target} -> ${status}`);
  assert.is(statuses.get('//['), 400);
  assert.is(ctx.scans, before);
  assert.is((await call(ctx.port, 'GET', '/')).status, 200);
});

test.run();
