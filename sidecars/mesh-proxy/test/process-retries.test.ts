// Retries and the retry budget under hostile timing, with mesh-proxy as a process: an endpoint that
// closes at the worst moments, trickles a head that never ends, or answers just as the per-try timeout
// fires. Every client gets one true answer, every try is counted once, and the budget holds under
// concurrency. Each test ends with the process alive, healthy and ready, and a clean SIGTERM.
import * as assert from 'uvu/assert';
import { calls, type Mesh, type Reply, tally, until } from './mesh.js';
import { DRAIN_MS, frontendProcess, hostsFile, hostsMeshSuite, stopsCleanly } from './process.js';
import { hostileEndpoint, type Moment } from './hostile-endpoint.js';
import { exchange } from './peer.js';

const { test, run } = hostsMeshSuite('mesh-proxy process: retries under hostile timing');

const HOSTILE = '127.0.0.5';
const RESET = 'upstream connect error or disconnect/reset before headers: backend\n';
/** What this loaded machine may add to a deadline before an answer counts as late. */
const SLACK = 1000;
const NO_EJECTION = ['--outlier-consecutive5xx', '1000'];

/** A frontend process whose `backend` is the hostile endpoint (and b1, if `withGood`), and the endpoint. */
async function setup(mesh: Mesh, moment: (n: number) => Moment, flags: string[], withGood = true) {
  const hostile = await hostileEndpoint(mesh.backendDirs[0]!, mesh.ca, HOSTILE, mesh.inboundPort, moment);
  const hosts = hostsFile({ backend: withGood ? [HOSTILE, mesh.addresses[0]!] : [HOSTILE] });
  try {
    const fe = await frontendProcess(mesh, hosts, [...NO_EJECTION, ...flags]);
    const cleanup = () => {
      fe.kill();
      hostile.close();
      hosts.cleanup();
    };
    return { fe, hostile, cleanup };
  } catch (e) {
    hostile.close();
    hosts.cleanup();
    throw e;
  }
}

test('GETs whose endpoint closes on accept, after the request or mid-head are retried elsewhere: all 200, each app request once', async ({
  mesh,
}) => {
  const moments: Moment[] = ['on-accept', 'after-request', 'mid-head'];
  const { fe, hostile, cleanup } = await setup(mesh, (n) => moments[n % 3]!, []);
  try {
    const replies = await calls(fe.port, 30);
    assert.equal(tally(replies), { b1: 30 });
    const failed = hostile.seen.length;
    assert.ok(failed >= 10, `${failed} tries went to the hostile endpoint`);
    assert.is(await fe.metric('retries_total', { destination: 'backend' }), failed, 'each failed try retried once');
    assert.is(await fe.metric('upstream_errors_total'), 0, 'counts requests whose last try failed: none did');
    assert.is(mesh.apps[0]!.seen.length, 30, 'no request reached an app twice');
    assert.is(await fe.metric('requests_total', { direction: 'outbound', code: '2xx' }), 30);
    // A POST is never retried, whatever the moment: the client gets the 503 of its one try.
    const before = hostile.seen.length;
    const posts = await calls(fe.port, 12, { method: 'POST', body: 'order' });
    const toHostile = hostile.seen.length - before;
    assert.is(posts.filter((r) => r.status === 503 && r.body === RESET).length, toHostile);
    assert.is(posts.filter((r) => r.status === 200).length, 12 - toHostile);
    assert.is(await fe.metric('retries_total'), failed, 'no POST retried');
    assert.is(await fe.metric('upstream_errors_total'), toHostile);
    assert.equal(await stopsCleanly(fe, DRAIN_MS), []);
  } finally {
    cleanup();
  }
});

test('a response cut mid-body, after its head reached the app, is neither retried nor completed: the app sees the cut', async ({
  mesh,
}) => {
  const { fe, hostile, cleanup } = await setup(mesh, () => 'mid-body', [], false);
  try {
    for (const n of [1, 2]) {
      const r = await exchange('127.0.0.1', fe.port, `GET /cut${n} HTTP/1.1\r\nHost: backend\r\n\r\n`, { ca: mesh.ca, plain: true });
      assert.is(r.status, 200);
      assert.ok(r.text.endsWith('\r\n\r\n0123456789'), JSON.stringify(r.text));
      assert.is(hostile.seen.length, n, 'not retried');
    }
    assert.is(await fe.metric('retries_total'), 0);
    assert.is(await fe.metric('requests_total', { direction: 'outbound', code: '0xx' }), 2, 'counted as cut, not as 2xx');
    assert.is(await fe.metric('requests_total', { direction: 'outbound' }), 2);
    assert.is(await fe.metric('upstream_errors_total'), 2);
    assert.equal(await stopsCleanly(fe, DRAIN_MS), []);
  } finally {
    cleanup();
  }
});

test('a head trickled one byte every 50 ms does not extend the per-try timeout: each such try is cut at it and retried elsewhere', async ({
  mesh,
}) => {
  const { fe, hostile, cleanup } = await setup(mesh, () => 'trickle', ['--per-try-timeout', '400ms']);
  try {
    const replies = await calls(fe.port, 6);
    assert.equal(tally(replies), { b1: 6 });
    const trickled = hostile.seen.length;
    assert.ok(trickled >= 3, `${trickled} tries trickled`);
    const slow = replies.filter((r) => r.ms >= 390);
    assert.is(slow.length, trickled);
    for (const r of slow) assert.ok(r.ms < 400 + SLACK, `${r.ms} ms`);
    assert.is(await fe.metric('retries_total', { reason: 'timeout' }), trickled);
    await until('the trickling connections to be cut', () => hostile.open() === 0, 3000);
    assert.equal(await stopsCleanly(fe, DRAIN_MS), []);
  } finally {
    cleanup();
  }
});

test('answers that come just as the per-try timeout fires never reach another request: 30 GETs on one connection, each its own answer', async ({
  mesh,
}) => {
  let seed = 7;
  const jitter = () => (seed = (seed * 48271) % 2147483647) % 81; // 0-80 ms, repeatable
  const { fe, hostile, cleanup } = await setup(mesh, () => ({ lateMs: 260 + jitter() }), ['--per-try-timeout', '300ms'], false);
  try {
    const replies = await calls(fe.port, 30);
    replies.forEach((r: Reply, i) => {
      if (r.status === 200) assert.is(r.body, `hostile /${i}`);
      else assert.equal([r.status, r.body], [504, 'upstream request timeout: backend did not answer in time\n']);
    });
    const retries = await fe.metric('retries_total', { reason: 'timeout' });
    assert.is(hostile.seen.length, 30 + retries, 'every try counted: one per request, plus its retries');
    assert.is(await fe.metric('requests_total', { direction: 'outbound' }), 30);
    assert.equal(await stopsCleanly(fe, DRAIN_MS), []);
  } finally {
    cleanup();
  }
});

test('with its one endpoint failing every try and 20 clients at once, retries stay within 20% of requests + 1/s × 10 s', async ({
  mesh,
}) => {
  const budget = ['--retry-budget-percent', '20', '--retry-budget-min-per-second', '1'];
  const { fe, hostile, cleanup } = await setup(mesh, () => 'after-request', budget, false);
  try {
    const replies = (
      await Promise.all(Array.from({ length: 20 }, (_, c) => calls(fe.port, 3, { headers: { 'x-client': `${c}` } })))
    ).flat();
    assert.equal([...new Set(replies.map((r) => `${r.status} ${r.body}`))], [`503 ${RESET}`]);
    const retries = await fe.metric('retries_total', { destination: 'backend' });
    const exhausted = await fe.metric('retry_budget_exhausted_total', { destination: 'backend' });
    assert.ok(retries >= 10 && retries <= 60 * 0.2 + 10, `${retries} retries`);
    assert.ok(exhausted >= 1 && retries + exhausted >= 60, `${exhausted} refused by the budget`);
    assert.is(hostile.seen.length, 60 + retries, 'the endpoint got exactly the requests and the retries counted');
    assert.is(await fe.metric('retry_budget_window_requests', { destination: 'backend' }), 60);
    assert.is(await fe.metric('retry_budget_window_retries', { destination: 'backend' }), retries);
    assert.equal(await stopsCleanly(fe, DRAIN_MS), []);
  } finally {
    cleanup();
  }
});

run();
