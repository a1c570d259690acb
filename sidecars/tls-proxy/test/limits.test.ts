// Body limits and slow clients in http mode: a body over --max-body-bytes never reaches the app, a head
// must be complete by --header-timeout however its bytes trickle in, and a connection that got its last
// answer lingers only until a deadline, which a drain does not wait for.
import type { ConnectionOptions } from 'node:tls';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { rawExchange } from '../../lib/test-support/hostile.js';
import { sendAllThenRead, trickle } from '../../lib/test-support/slow-client.js';
import { type Recorder, startRecorder } from '../../lib/test-support/smuggling.js';
import { LINGER_MS } from '../../lib/linger.js';
import { type Issued, makePki, type Pki, type Proxy, proxyParams, startTestProxy, tlsOpen, within } from './fixtures.js';

interface Ctx {
  pki: Pki;
  cert: Issued;
  app: Recorder;
  proxy: Proxy;
}
const LIMIT = 1000;
const test = suite<Ctx>('http mode: body limits and slow clients', {} as Ctx);
test.before(async (ctx) => {
  ctx.pki = makePki();
  ctx.cert = ctx.pki.issue('server', '0A0B');
  ctx.app = await startRecorder();
  ctx.proxy = await startTestProxy(
    await proxyParams(ctx.cert, ctx.app.port, ['--max-body-bytes', String(LIMIT), '--header-timeout', '1s']),
  );
});
test.after(async (ctx) => {
  await ctx.proxy?.drain();
  await ctx.app?.close();
  ctx.pki?.cleanup();
});

const endpoint = ({ pki, proxy }: Ctx) => ({ port: proxy.port, tls: { ca: pki.ca.toString() } });
const post = (framing: string, body: string) => `POST /upload HTTP/1.1\r\nHost: localhost\r\n${framing}\r\n${body}`;
const open = ({ pki, proxy }: Ctx) => tlsOpen(proxy.port, { ca: pki.ca, servername: 'localhost' });

/** The app's bytes and requests before and after a step, once the app has reported all of it. */
async function appDelta(app: Recorder, step: () => Promise<unknown>) {
  const bytes = app.bytes().length,
    requests = app.requests.length;
  await step();
  await app.settle();
  return { bytes: app.bytes().subarray(bytes), requests: app.requests.slice(requests) };
}

test('a body declared one byte over --max-body-bytes gets a 413, and not one byte reaches the app', async (ctx) => {
  let status: number | undefined;
  const got = await appDelta(ctx.app, async () => {
    ({ status } = await rawExchange(endpoint(ctx), post(`Content-Length: ${LIMIT + 1}\r\n`, 'x'.repeat(LIMIT + 1))));
  });
  assert.is(status, 413);
  assert.is(got.bytes.length, 0);
});

test('a body of exactly --max-body-bytes reaches the app whole', async (ctx) => {
  let status: number | undefined;
  const got = await appDelta(ctx.app, async () => {
    ({ status } = await rawExchange(endpoint(ctx), post(`Content-Length: ${LIMIT}\r\nConnection: close\r\n`, 'y'.repeat(LIMIT))));
  });
  assert.is(status, 200);
  assert.equal(
    got.requests.map((r) => [r.complete, r.body.length]),
    [[true, LIMIT]],
  );
});

test('Content-Length values past 2^53 and 2^64 get a 413 whatever their digits, and reach nothing', async (ctx) => {
  const values = ['9007199254740992', '9007199254740993', '18446744073709551615', '18446744073709551616', '100000000000000000000'];
  for (const v of values) {
    let status: number | undefined;
    const got = await appDelta(ctx.app, async () => {
      ({ status } = await rawExchange(endpoint(ctx), post(`Content-Length: ${v}\r\n`, 'abc')));
    });
    assert.equal([v, status, got.bytes.length], [v, 413, 0]);
  }
});

test('a chunked body is cut with a 413 before the chunk that passes --max-body-bytes: the app never gets a whole request', async (ctx) => {
  const first = 'a'.repeat(600),
    second = 'B'.repeat(600);
  let status: number | undefined;
  const got = await appDelta(ctx.app, async () => {
    const body = `258\r\n${first}\r\n258\r\n${second}\r\n0\r\n\r\n`;
    ({ status } = await rawExchange(endpoint(ctx), post('Transfer-Encoding: chunked\r\n', body)));
  });
  assert.is(status, 413);
  assert.is(got.bytes.includes('B'), false, 'no byte of the chunk past the limit was sent on');
  assert.equal(
    got.requests.filter((r) => r.complete),
    [],
  );
});

test('a head trickled one line every 200 ms gets a 408 at --header-timeout (1 s), though bytes keep coming', async (ctx) => {
  const r = await trickle(await open(ctx), {
    first: 'GET /slow HTTP/1.1\r\nHost: localhost\r\n',
    piece: 'X-Slow: 1\r\n',
    everyMs: 200,
    limitMs: 10_000,
  });
  assert.is(r.status, 408);
  assert.ok(r.closedMs >= 900, `closed after ${r.closedMs} ms, before the deadline`);
  assert.ok(r.closedMs < 1000 + LINGER_MS + 2000, `closed after ${r.closedMs} ms`);
  assert.ok(r.pieces >= 4, `only ${r.pieces} pieces were sent`);
});

test('a client that writes its whole oversized body in one write before reading gets the 413, 20 times in a row', async (ctx) => {
  const body = Buffer.alloc(4 * 1024 * 1024, 'z');
  const request = Buffer.concat([Buffer.from(post(`Content-Length: ${body.length}\r\n`, ''), 'latin1'), body]);
  const outcomes: string[] = [];
  for (let i = 0; i < 20; i++) {
    const r = await sendAllThenRead(await open(ctx), request);
    outcomes.push(`${r.status ?? 'none'}${r.error ? ` ${r.error}` : ''}`);
  }
  assert.equal(outcomes, Array(20).fill('413'));
});

test('a connection that got its last answer and keeps sending is cut at the linger deadline, and a drain does not wait for it', async (ctx) => {
  const proxy = await startTestProxy(await proxyParams(ctx.cert, ctx.app.port));
  // A client that keeps its side open after the proxy's close, and goes on sending.
  const halfOpen = { ca: ctx.pki.ca, servername: 'localhost', allowHalfOpen: true } as ConnectionOptions;
  const s = await tlsOpen(proxy.port, halfOpen);
  const lingered = trickle(s, { first: 'BAD REQUEST\r\n\r\n', piece: 'x', everyMs: 100, limitMs: LINGER_MS + 5000 });
  const t0 = Date.now();
  await within(3000, 'the drain, with a lingering client', proxy.drain());
  const drained = Date.now() - t0;
  const r = await lingered;
  assert.is(r.status, 400);
  assert.ok(drained < r.closedMs, `the drain (${drained} ms) waited for the lingering connection (${r.closedMs} ms)`);
  assert.ok(r.closedMs >= LINGER_MS - 200 && r.closedMs < LINGER_MS + 3000, `cut after ${r.closedMs} ms`);
});

test.run();
