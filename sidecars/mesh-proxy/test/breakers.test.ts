// Outlier ejection and the circuit breaker, end to end: an endpoint that keeps failing is taken out of
// the rotation for a while and comes back when it is over; requests past --max-pending-requests get an
// immediate 503 instead of a place in a queue.
import { Agent } from 'node:http';
import { connect } from 'node:net';
import * as assert from 'uvu/assert';
import { call, calls, meshSuite, type Reply, tally, until } from './mesh.js';

const test = meshSuite('outlier ejection and the circuit breaker');

const EJECT = ['--retries', '0', '--outlier-consecutive5xx', '3', '--outlier-base-ejection', '1s'];

test('an endpoint that always fails is ejected by its 3rd consecutive 5xx, and then gets no traffic', async ({ mesh }) => {
  const fe = await mesh.frontend(EJECT);
  const [b1] = mesh.apps;
  b1!.mode = 'fail';
  await until('b1 to be ejected', async () => {
    await call(fe.port, '/');
    return fe.metric('outlier_ejections_total', { destination: 'backend' }) === 1;
  });
  assert.is(b1!.seen.length, 3, 'ejected by exactly --outlier-consecutive5xx failures');
  assert.is(fe.metric('outlier_ejected_endpoints', { destination: 'backend' }), 1);
  const replies = await calls(fe.port, 30);
  assert.equal(tally(replies), { b2: 15, b3: 15 });
  assert.is(b1!.seen.length, 3);
});

test('an ejected endpoint that recovered gets traffic again once the base ejection time has passed', async ({ mesh }) => {
  const fe = await mesh.frontend(EJECT);
  const [b1] = mesh.apps;
  b1!.mode = 'fail';
  await until('b1 to be ejected', async () => {
    await call(fe.port, '/');
    return fe.metric('outlier_ejections_total') === 1;
  });
  const ejected = Date.now();
  b1!.mode = 'ok';
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    await until('b1 to be back', async () => (await call(fe.port, '/', { agent })).headers['x-endpoint'] === 'b1', 3000, 10);
  } finally {
    agent.destroy();
  }
  const ms = Date.now() - ejected;
  assert.ok(ms >= 900 && ms < 2000, `back after ${ms} ms; the ejection lasts 1 s`);
  assert.is(fe.metric('outlier_ejected_endpoints'), 0);
  assert.equal(tally(await calls(fe.port, 9)), { b1: 3, b2: 3, b3: 3 });
});

test('when every endpoint is ejected (max percent 100), all of them get traffic again (panic), not none', async ({ mesh }) => {
  const fe = await mesh.frontend([...EJECT, '--outlier-max-ejection-percent', '100']);
  for (const a of mesh.apps) a.mode = 'fail';
  await calls(fe.port, 9);
  assert.is(fe.metric('outlier_ejected_endpoints', { destination: 'backend' }), 3);
  const replies = await calls(fe.port, 9);
  assert.equal(tally(replies), { b1: 3, b2: 3, b3: 3 });
  assert.equal([...new Set(replies.map((r) => r.status))], [503], "each app's own 503");
});

test('the default cap ejects one endpoint of three, however many fail', async ({ mesh }) => {
  const fe = await mesh.frontend(EJECT);
  for (const a of mesh.apps) a.mode = 'fail';
  await calls(fe.port, 30);
  assert.is(fe.metric('outlier_ejections_total'), 1);
  assert.is(fe.metric('outlier_ejected_endpoints'), 1);
});

test('past --max-pending-requests a request gets an immediate 503 with x-mesh-overflow, and is counted', async ({ mesh }) => {
  const fe = await mesh.frontend(['--max-pending-requests', '2']);
  for (const a of mesh.apps) a.delayMs = 1000;
  const held: Reply[] = [];
  const first = [call(fe.port, '/1'), call(fe.port, '/2')].map((p) => p.then((r) => held.push(r)));
  await until('2 requests to be pending', () => fe.metric('pending_requests', { destination: 'backend' }) === 2);
  const third = await call(fe.port, '/3');
  assert.is(third.status, 503);
  assert.is(third.headers['x-mesh-overflow'], 'max-pending-requests');
  assert.is(third.body, 'upstream overflow: 2 requests to backend are already pending\n');
  assert.is(held.length, 0, 'the 503 came while the first two were still pending');
  assert.ok(third.ms < 500, `${third.ms} ms`);
  assert.is(fe.metric('circuit_breaker_overflow_total', { destination: 'backend' }), 1);
  await Promise.all(first);
  assert.equal(
    held.map((r) => r.status),
    [200, 200],
  );
  assert.is(fe.metric('pending_requests', { destination: 'backend' }), 0);
  for (const a of mesh.apps) a.delayMs = 0;
  assert.is((await call(fe.port, '/4')).status, 200, 'room again once they are done');
  assert.is(
    mesh.apps.reduce((n, a) => n + a.seen.length, 0),
    3,
    'the refused request never left the pod',
  );
});

test('a client that goes away while its request is pending frees its place', async ({ mesh }) => {
  const fe = await mesh.frontend(['--max-pending-requests', '1']);
  for (const a of mesh.apps) a.mode = 'hang';
  const client = connect({ host: '127.0.0.1', port: fe.port });
  client.on('error', () => {});
  client.write('GET /gone HTTP/1.1\r\nHost: backend\r\n\r\n');
  await until('the request to reach an app', () => mesh.apps.some((a) => a.seen.length === 1));
  assert.is(fe.metric('pending_requests', { destination: 'backend' }), 1);
  assert.is((await call(fe.port, '/refused')).status, 503);
  client.destroy();
  await until('its place to be freed', () => fe.metric('pending_requests', { destination: 'backend' }) === 0);
  for (const a of mesh.apps) a.mode = 'ok';
  assert.is((await call(fe.port, '/next')).status, 200);
  assert.is(fe.metric('requests_total', { direction: 'outbound', code: '0xx' }), 1, 'the cut request counts as cut');
});

test.run();
