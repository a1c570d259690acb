// --access-log: one JSON line per request at info, with the method, the path without its query, the status
// and the duration; nothing of the kind without it.
import * as assert from 'uvu/assert';
import { httpsGet, type Proxy, until } from './fixtures.js';
import { appSuite, type AppCtx } from './suites.js';

interface Ctx extends AppCtx {
  logged: Proxy;
  quiet: Proxy;
}
const test = appSuite<Ctx>('access log', {
  serial: '0A0C',
  app: () => (req, res) => {
    res.writeHead(req.url?.startsWith('/missing') ? 404 : 200).end('ok');
  },
  proxies: { logged: ['--access-log'], quiet: [] },
});

const requests = (p: Proxy) => p.logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'request');

test('with --access-log each request is one info line: method, path without its query, status and duration', async (ctx) => {
  assert.is((await httpsGet(ctx.logged.port, ctx.pki.ca, '/hello?token=s3cret')).status, 200);
  assert.is((await httpsGet(ctx.logged.port, ctx.pki.ca, '/missing/page')).status, 404);
  await until('two request lines', () => requests(ctx.logged).length === 2, 5_000);
  const [first, second] = requests(ctx.logged);
  assert.equal([first!.level, first!.method, first!.path, first!.status], ['info', 'GET', '/hello', 200]);
  assert.equal([second!.path, second!.status], ['/missing/page', 404]);
  assert.ok(typeof first!.ms === 'number' && first!.ms >= 0, `a duration in ms: ${first!.ms}`);
  assert.not.match(ctx.logged.logs.join('\n'), /s3cret/);
});

test('without --access-log a request leaves no log line', async (ctx) => {
  const before = ctx.quiet.logs.length;
  assert.is((await httpsGet(ctx.quiet.port, ctx.pki.ca, '/hello')).status, 200);
  assert.is(requests(ctx.quiet).length, 0);
  assert.is(ctx.quiet.logs.length, before);
});

test.run();
