// What http mode forwards of the request line, the Host and the header bytes (RFC 9112 §2-3, §5),
// seen from an app that records raw bytes.
import * as assert from 'uvu/assert';
import { valuesOf, type Recorder } from '../../lib/test-support/smuggling.js';
import { proxyParams, startRawApp, startTestProxy } from './fixtures.js';
import { type RecordedCtx, recordedProxySuite, sendRaw } from './suites.js';

type Ctx = RecordedCtx;
const test = recordedProxySuite('http mode: request line, Host and header bytes', '0F0A');

const send = sendRaw;

/**
 * Sends bytes that must be refused with `status`; fails when any byte of them reached the app. The
 * proxy's refusals end the connection; a target the shared guard refuses (`closes: false`) need not.
 */
async function refused(ctx: Ctx, bytes: string, status: number, closes = true) {
  const before = ctx.app.bytes().length;
  const r = await send(ctx, bytes);
  assert.is(r.status, status, JSON.stringify(bytes.slice(0, 60)));
  if (closes) assert.match(r.text, /\r\nconnection: close\r\n/i, 'a refused request ends its connection');
  assert.is(ctx.app.bytes().length, before, `nothing of ${JSON.stringify(bytes.slice(0, 60))} reaches the app`);
}

const last = (app: Recorder) => app.requests[app.requests.length - 1]!;

test('obs-text bytes (0x80-0xFF) in a request header value reach the app byte for byte', async (ctx) => {
  const line = Buffer.from('X-Obs: caf\xe9 \x80\xff\x90\r\n', 'latin1');
  const r = await send(
    ctx,
    Buffer.concat([Buffer.from('GET /obs HTTP/1.1\r\nHost: localhost\r\n'), line, Buffer.from('Connection: close\r\n\r\n')]),
  );
  assert.is(r.status, 200);
  assert.ok(ctx.app.bytes().includes(line), 'the header line arrives unchanged, not re-encoded as UTF-8');
});

test('obs-text bytes in a response header value reach the client byte for byte', async (ctx) => {
  const raw = await startRawApp(Buffer.from('HTTP/1.1 200 OK\r\nX-Obs: caf\xe9 \x80\xff\r\nContent-Length: 2\r\n\r\nok', 'latin1'));
  const proxy = await startTestProxy(await proxyParams(ctx.cert, raw.port));
  try {
    const r = await send({ ...ctx, proxy }, 'GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    assert.is(r.status, 200);
    assert.match(r.text, /\r\nX-Obs: caf\xe9 \x80\xff\r\n/);
  } finally {
    await proxy.drain();
    await raw.close();
  }
});

test('two Host lines get a 400 (Node itself accepts them) and nothing reaches the app', async (ctx) => {
  await refused(ctx, 'GET /two HTTP/1.1\r\nHost: localhost\r\nHost: elsewhere.example\r\n\r\n', 400);
  await refused(ctx, 'GET /two HTTP/1.1\r\nHost: localhost\r\nhost: localhost\r\n\r\n', 400);
});

test('a Host list, or a Host that is not host[:port], gets a 400 and nothing reaches the app', async (ctx) => {
  for (const host of [
    'localhost, elsewhere.example',
    'localhost,x',
    'a/b',
    'user@localhost',
    'a b',
    'localhost:80:80',
    '[::1',
    'localhost:x',
  ])
    await refused(ctx, `GET /host HTTP/1.1\r\nHost: ${host}\r\n\r\n`, 400);
});

test('an absolute-form target reaches the app in origin form, with its authority as the one Host', async (ctx) => {
  const r = await send(ctx, 'GET http://Elsewhere.example:8443/x?y=1 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
  assert.is(r.status, 200);
  const got = last(ctx.app);
  assert.is(got.url, '/x?y=1');
  assert.equal(valuesOf(got, 'host'), ['Elsewhere.example:8443']);
  assert.equal(valuesOf(got, 'x-forwarded-host'), ['Elsewhere.example:8443']);
});

test('an absolute-form target whose authority is not host[:port] gets a 400', async (ctx) => {
  await refused(ctx, 'GET http://a,b/x HTTP/1.1\r\nHost: localhost\r\n\r\n', 400);
});

test('the asterisk target is forwarded with OPTIONS, and refused with any other method', async (ctx) => {
  const r = await send(ctx, 'OPTIONS * HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
  assert.is(r.status, 200);
  assert.equal([last(ctx.app).method, last(ctx.app).url], ['OPTIONS', '*']);
  await refused(ctx, 'GET * HTTP/1.1\r\nHost: localhost\r\n\r\n', 400, false);
});

test('an HTTP/0.9 request line gets a 400 and an HTTP/2.0 one a 505; nothing reaches the app', async (ctx) => {
  await refused(ctx, 'GET /old\r\n\r\n', 400);
  await refused(ctx, 'GET /new HTTP/2.0\r\nHost: localhost\r\n\r\n', 505);
});

test('a path that starts with // (read as another host by URL parsers) gets a 400', async (ctx) => {
  for (const t of ['//elsewhere.example/x', '//', '///a']) await refused(ctx, `GET ${t} HTTP/1.1\r\nHost: localhost\r\n\r\n`, 400);
  const ok = await send(ctx, 'GET /a//b HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
  assert.equal([ok.status, last(ctx.app).url], [200, '/a//b']);
});

test('HTTP/1.0 with Transfer-Encoding gets a 400, and a transfer coding other than chunked a 501', async (ctx) => {
  await refused(ctx, 'POST /te HTTP/1.0\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n', 400);
  await refused(ctx, 'POST /te HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: gzip, chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n', 501);
});

test("a chunked body reaches the app re-chunked with one Transfer-Encoding, whatever the case of the client's", async (ctx) => {
  const r = await send(
    ctx,
    'POST /te HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: CHUNKED\r\nConnection: close\r\n\r\n3\r\nabc\r\n0\r\n\r\n',
  );
  assert.is(r.status, 200);
  const got = last(ctx.app);
  assert.equal([got.body.toString(), valuesOf(got, 'transfer-encoding'), valuesOf(got, 'content-length')], ['abc', ['chunked'], []]);
});

test('an HTTP/1.0 request without Host reaches the app with the upstream as Host and no X-Forwarded-Host', async (ctx) => {
  const r = await send(ctx, 'GET /ten HTTP/1.0\r\n\r\n');
  assert.is(r.status, 200);
  const got = last(ctx.app);
  assert.equal([valuesOf(got, 'host'), valuesOf(got, 'x-forwarded-host')], [[`127.0.0.1:${ctx.app.port}`], []]);
});

test.run();
