// The webhook listener against clients that misbehave: malformed request targets, bodies that are
// too large and keep coming, bodies (or heads) that never arrive. None may stop the listener.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { hostileRound, MALFORMED_TARGETS, rawExchange, requestFor } from '../../lib/test-support/hostile.js';
import { connect } from 'node:net';
import { sendAllThenRead } from '../../lib/test-support/slow-client.js';
import { closeHook, head, pieces, post, rawClient, startHook, type Hook } from './fixtures.js';

const test = suite<{ hook: Hook }>('webhook against hostile clients', {} as { hook: Hook });
const TIMEOUT_MS = 500;
test.before(async (ctx) => {
  ctx.hook = await startHook({ timeoutMs: TIMEOUT_MS });
});
test.after((ctx) => closeHook(ctx.hook));

test('every malformed request target gets a 4xx or a closed connection, and a signed push still gets 202 afterwards', async ({ hook }) => {
  for (const method of ['GET', 'POST']) {
    for (const t of MALFORMED_TARGETS) {
      const { status } = await rawExchange({ port: hook.port }, requestFor(t, method));
      assert.ok(status === undefined || (status >= 400 && status < 500), `${method} ${t}: ${status}`);
    }
  }
  const round = await hostileRound({ port: hook.port });
  assert.is(round.get('//['), 400, 'the target that used to throw an uncaught TypeError');
  const before = hook.pushes;
  assert.is((await post(hook)).status, 202);
  assert.is(hook.pushes, before + 1);
  assert.ok(hook.requests.get({ result: 'bad_request' }) > 0, 'malformed targets are counted');
});

const MB = 1024 * 1024;

test('a chunked body that keeps coming past 64 KiB gets a 413 while it is still being sent, and the listener keeps serving', async ({
  hook,
}) => {
  const r = await rawClient(
    hook.port,
    head({ 'content-type': 'application/json', 'transfer-encoding': 'chunked' }),
    pieces(8 * MB, 16 * 1024, true),
  );
  assert.is(r.status, 413, `client saw ${r.error ?? 'no error'} after sending ${r.sent} bytes`);
  assert.ok(r.sent < 8 * MB, 'the answer came while the client was still sending');
  assert.is((await post(hook)).status, 202);
  assert.ok(hook.requests.get({ result: 'too_large' }) >= 1);
});

test('a client that sends its whole oversized chunked body (32 MiB) before reading still reads the 413 (the body is drained, not reset)', async ({
  hook,
}) => {
  const body = pieces(32 * MB, 64 * 1024, true);
  let last = false;
  const framed = () => body() ?? (last ? undefined : ((last = true), Buffer.from('0\r\n\r\n')));
  const r = await rawClient(hook.port, head({ 'content-type': 'application/json', 'transfer-encoding': 'chunked' }), framed, {
    readAfterSend: true,
  });
  assert.is(r.status, 413, `client saw ${r.error ?? 'no error'} after sending ${r.sent} bytes`);
  assert.is((await post(hook)).status, 202);
});

test('a client that sends a declared Content-Length of 32 MiB in full before reading still reads the 413', async ({ hook }) => {
  const total = 32 * MB;
  const r = await rawClient(hook.port, head({ 'content-type': 'application/json', 'content-length': total }), pieces(total, 64 * 1024), {
    readAfterSend: true,
  });
  assert.is(r.status, 413, `client saw ${r.error ?? 'no error'} after sending ${r.sent} bytes`);
  assert.is(r.sent, total);
  assert.is((await post(hook)).status, 202);
});

test('a body that stops after the head is answered 408 and closed within the request timeout (500 ms), not after minutes', async ({
  hook,
}) => {
  const r = await rawClient(hook.port, head({ 'content-type': 'application/json', 'content-length': 100 }), () => undefined);
  assert.is(r.status, 408);
  assert.ok(r.ms >= TIMEOUT_MS - 50 && r.ms < 5000, `ended after ${r.ms} ms`);
});

test('a body trickled one byte every 50 ms is cut at the request timeout too (activity does not extend it)', async ({ hook }) => {
  const r = await rawClient(hook.port, head({ 'content-type': 'application/json', 'content-length': 60_000 }), () => Buffer.from('x'), {
    everyMs: 50,
  });
  assert.is(r.status, 408);
  assert.ok(r.ms >= TIMEOUT_MS - 50 && r.ms < 5000, `ended after ${r.ms} ms`);
});

test('a request head that never completes is closed within the timeout plus the one-second check interval', async ({ hook }) => {
  const r = await rawClient(hook.port, 'POST /webhook HTTP/1.1\r\nHost: localhost\r\n', () => undefined);
  assert.is(r.status, 408, `ended after ${r.ms} ms (${r.error ?? 'closed by the server'})`);
  assert.ok(r.ms < 5000, `ended after ${r.ms} ms`);
  const before = hook.pushes;
  assert.is((await post(hook)).status, 202, 'and the listener still serves');
  assert.is(hook.pushes, before + 1);
});

test('a client that takes longer than the timeout to send its oversized body, reading nothing until it is sent, still reads the 413', async ({
  hook,
}) => {
  // 30 pieces of 64 KiB, one every 50 ms: the sending outlasts the 500 ms request timeout.
  const r = await rawClient(
    hook.port,
    head({ 'content-type': 'application/json', 'content-length': 30 * 65536 }),
    pieces(30 * 65536, 65536),
    {
      everyMs: 50,
      readAfterSend: true,
    },
  );
  assert.is(r.status, 413, `client saw ${r.error ?? 'no error'} after sending ${r.sent} bytes`);
});

test('a client that writes its whole oversized body in one write before it reads gets the 413, 20 times in a row', async ({ hook }) => {
  const body = Buffer.alloc(1024 * 1024, 'a');
  const request = Buffer.concat([Buffer.from(head({ 'content-type': 'application/json', 'content-length': body.length })), body]);
  const outcomes: string[] = [];
  for (let i = 0; i < 20; i++) {
    const s = connect(hook.port, '127.0.0.1');
    await new Promise((r) => s.once('connect', r));
    const r = await sendAllThenRead(s, request);
    outcomes.push(`${r.status ?? 'none'}${r.error ? ` ${r.error}` : ''}`);
  }
  assert.equal(outcomes, Array(20).fill('413'));
});

test.run();
