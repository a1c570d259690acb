// Retries and timeouts on the outbound side: an idempotent request without a body is tried again on
// another endpoint after a 503, a connect failure, a reset or a per-try timeout, within --retries and
// the retry budget; a request with a body, or a POST, never is. Timeouts count to the response head.
import * as assert from 'uvu/assert';
import { call, calls, meshSuite, tally } from './mesh.js';

const test = meshSuite('retries, the retry budget and timeouts');

/** Time a test may add to a timeout on this machine before the answer is late. */
const SLACK = 500;

test('with one endpoint failing half its requests with 503, every GET succeeds and each 503 was retried', async ({ mesh }) => {
  const fe = await mesh.frontend();
  const [b1] = mesh.apps;
  b1!.mode = 'half';
  const replies = await calls(fe.port, 90);
  assert.equal([...new Set(replies.map((r) => r.status))], [200]);
  const failed = Math.ceil(b1!.seen.length / 2);
  assert.ok(failed >= 10, `b1 answered 503 ${failed} times`);
  assert.is(fe.metric('retries_total', { destination: 'backend', reason: '503' }), failed);
  assert.is(fe.metric('retries_total'), failed);
  assert.is(
    mesh.apps.reduce((n, a) => n + a.seen.length, 0),
    90 + failed,
    'each request once, plus its retries',
  );
  assert.is(fe.metric('requests_total', { direction: 'outbound', code: '2xx' }), 90, 'a retried request counts once');
});

test('a POST is never retried: the failing endpoint got exactly the POSTs sent there, and the client sees its 503s', async ({ mesh }) => {
  const fe = await mesh.frontend();
  const [b1] = mesh.apps;
  b1!.mode = 'half';
  const replies = await calls(fe.port, 60, { method: 'POST', body: 'order' });
  const toB1 = replies.filter((r) => r.headers['x-endpoint'] === 'b1');
  assert.is(b1!.count('POST'), toB1.length);
  assert.is(toB1.filter((r) => r.status === 503).length, Math.ceil(toB1.length / 2));
  assert.equal(tally(replies), { b1: 20, b2: 20, b3: 20 });
  assert.is(fe.metric('retries_total'), 0);
});

test('a request with a body is not retried even when idempotent (PUT); one without (DELETE) is, up to --retries', async ({ mesh }) => {
  const fe = await mesh.frontend(['--retries', '2', '--outlier-consecutive5xx', '1000']);
  for (const a of mesh.apps) a.mode = 'fail';
  const put = await call(fe.port, '/x', { method: 'PUT', body: 'v' });
  assert.is(put.status, 503);
  assert.is(
    mesh.apps.reduce((n, a) => n + a.count('PUT'), 0),
    1,
  );
  const del = await call(fe.port, '/x', { method: 'DELETE' });
  assert.is(del.status, 503, "the last try's 503 is what the client gets");
  assert.is(del.body, 'failing\n');
  assert.equal(
    mesh.apps.map((a) => a.count('DELETE')),
    [1, 1, 1],
    '1 try + 2 retries, each on another endpoint',
  );
});

test('with every endpoint failing, retries stay within percent × requests + min × 10 s, and the rest are refused by the budget', async ({
  mesh,
}) => {
  const fe = await mesh.frontend(['--retry-budget-percent', '20', '--retry-budget-min-per-second', '1']);
  for (const a of mesh.apps) a.mode = 'fail';
  const replies = await calls(fe.port, 50);
  assert.equal([...new Set(replies.map((r) => r.status))], [503]);
  const retries = fe.metric('retries_total');
  assert.ok(retries >= 10 && retries <= 50 * 0.2 + 1 * 10, `${retries} retries`);
  assert.ok(fe.metric('retry_budget_exhausted_total', { destination: 'backend' }) > 0);
  assert.is(
    mesh.apps.reduce((n, a) => n + a.seen.length, 0),
    50 + retries,
  );
});

test('with --unsafe-no-retry-budget, every failed request is retried --retries times: the load triples', async ({ mesh }) => {
  const fe = await mesh.frontend(['--unsafe-no-retry-budget']);
  for (const a of mesh.apps) a.mode = 'fail';
  await calls(fe.port, 50);
  assert.is(fe.metric('retries_total'), 100);
  assert.is(fe.metric('retry_budget_exhausted_total'), 0);
  assert.is(
    mesh.apps.reduce((n, a) => n + a.seen.length, 0),
    150,
  );
});

test('a hanging endpoint costs a request no more than the per-try timeout: it succeeds on another endpoint', async ({ mesh }) => {
  const fe = await mesh.frontend(['--per-try-timeout', '300ms']);
  mesh.apps[0]!.mode = 'hang';
  const replies = await calls(fe.port, 9);
  assert.equal([...new Set(replies.map((r) => r.status))], [200]);
  const hung = mesh.apps[0]!.seen.length;
  assert.ok(hung >= 2, `${hung} tries went to the hanging endpoint`);
  const slow = replies.filter((r) => r.ms >= 300);
  assert.is(slow.length, hung);
  for (const r of slow) assert.ok(r.ms < 300 + SLACK, `${r.ms} ms`);
  assert.is(fe.metric('retries_total', { reason: 'timeout' }), hung);
});

test('past --timeout with no response head the client gets 504, whatever tries are left', async ({ mesh }) => {
  const fe = await mesh.frontend(['--timeout', '300ms', '--per-try-timeout', '5s']);
  for (const a of mesh.apps) a.delayMs = 2000;
  const r = await call(fe.port, '/slow');
  assert.is(r.status, 504);
  assert.is(r.body, 'upstream request timeout: backend did not answer in time\n');
  assert.ok(r.ms >= 290 && r.ms < 300 + SLACK, `${r.ms} ms`);
  assert.is(
    mesh.apps.reduce((n, a) => n + a.seen.length, 0),
    1,
    'the overall deadline is not retried',
  );
  assert.is(fe.metric('requests_total', { direction: 'outbound', code: '5xx' }), 1);
});

test('a connect failure (nothing listens at an address) is retried on another endpoint, and counts toward ejection', async ({ mesh }) => {
  mesh.answer = ['127.0.0.9', mesh.addresses[0]!];
  const fe = await mesh.frontend(['--outlier-consecutive5xx', '3']);
  const replies = await calls(fe.port, 12);
  assert.equal(tally(replies), { b1: 12 });
  assert.is(fe.metric('retries_total', { reason: 'connect_failure' }), 3, 'then the address was ejected');
  assert.is(fe.metric('retries_total'), 3);
  assert.is(fe.metric('outlier_ejections_total', { destination: 'backend' }), 1);
});

test.run();
