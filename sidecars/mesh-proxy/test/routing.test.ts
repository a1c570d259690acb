// Load balancing and discovery: requests go round robin over the endpoints the service name resolves
// to, and a change in the DNS answer changes where they go within a couple of refreshes, with no
// restart. A failed resolution keeps the last answer.
import { Agent } from 'node:http';
import * as assert from 'uvu/assert';
import { call, calls, meshSuite, type Reply, tally, until } from './mesh.js';

const test = meshSuite('routing and discovery');

/** The frontends here re-resolve every 200 ms: a change must show within a few of those. */
const SOON = 1500;

test('300 GETs from 6 concurrent clients are spread round robin: each of 3 endpoints gets 20% or more, all timed by destination', async ({
  mesh,
}) => {
  const fe = await mesh.frontend();
  const agent = new Agent({ keepAlive: true, maxSockets: 6 });
  try {
    const replies: Reply[] = [];
    await Promise.all(
      Array.from({ length: 6 }, async (_, w) => {
        for (let i = 0; i < 50; i++) replies.push(await call(fe.port, `/w${w}/${i}`, { agent }));
      }),
    );
    assert.is(replies.filter((r) => r.status === 200).length, 300);
    const counts = tally(replies);
    assert.equal(Object.keys(counts).sort(), ['b1', 'b2', 'b3']);
    for (const [name, n] of Object.entries(counts)) assert.ok(n >= 60, `${name} got ${n} of 300`);
    assert.is(fe.metric('requests_total', { direction: 'outbound', destination: 'backend', code: '2xx' }), 300);
    assert.is(fe.metric('outbound_request_duration_seconds_count', { destination: 'backend' }), 300);
    assert.is(fe.metric('outbound_request_duration_seconds_count'), 300, 'no series but the configured destination');
  } finally {
    agent.destroy();
  }
});

test('one client in sequence gets each endpoint in turn', async ({ mesh }) => {
  const fe = await mesh.frontend();
  const names = (await calls(fe.port, 9)).map((r) => r.headers['x-endpoint']);
  for (let i = 3; i < 9; i++) assert.is(names[i], names[i - 3], names.join(' '));
  assert.is(new Set(names.slice(0, 3)).size, 3);
});

test('an address that joins the DNS answer gets traffic within a few refreshes, with no restart', async ({ mesh }) => {
  mesh.answer = mesh.addresses.slice(0, 2);
  const fe = await mesh.frontend();
  assert.equal(tally(await calls(fe.port, 20)), { b1: 10, b2: 10 });
  mesh.answer = [...mesh.addresses];
  const t0 = Date.now();
  await until('the new endpoint b3 to get a request', async () => mesh.appOf(await call(fe.port, '/probe')).name === 'b3', SOON, 1);
  assert.ok(Date.now() - t0 < SOON);
  assert.is(fe.metric('endpoints', { destination: 'backend' }), 3);
});

test('an address that leaves the DNS answer gets no more traffic within a few refreshes', async ({ mesh }) => {
  const fe = await mesh.frontend();
  assert.equal(tally(await calls(fe.port, 9)), { b1: 3, b2: 3, b3: 3 });
  mesh.answer = mesh.addresses.slice(1);
  await until('b1 to be left out', () => fe.metric('endpoints', { destination: 'backend' }) === 2, SOON);
  const before = mesh.apps[0]!.seen.length;
  const after = tally(await calls(fe.port, 30));
  assert.equal(after, { b2: 15, b3: 15 });
  assert.is(mesh.apps[0]!.seen.length, before);
});

test('when DNS fails, the last answer is kept: traffic goes on to the same endpoints, and the failures are counted', async ({ mesh }) => {
  const fe = await mesh.frontend();
  mesh.dnsDown = true;
  await until('two failed resolutions', () => fe.metric('dns_resolutions_total', { destination: 'backend', result: 'error' }) >= 2, SOON);
  assert.equal(tally(await calls(fe.port, 9)), { b1: 3, b2: 3, b3: 3 });
  assert.is(fe.metric('endpoints', { destination: 'backend' }), 3);
  assert.ok(fe.logs.some((l) => l.includes('DNS resolution failed; keeping the last endpoints') && l.includes('EAI_AGAIN')));
  mesh.dnsDown = false;
  mesh.answer = [mesh.addresses[0]!];
  await until('the next good answer to apply', () => fe.metric('endpoints', { destination: 'backend' }) === 1, SOON);
  assert.equal(tally(await calls(fe.port, 3)), { b1: 3 });
});

test('a name that resolves to no address leaves no endpoint: an immediate 503, no healthy upstream', async ({ mesh }) => {
  mesh.answer = [];
  const fe = await mesh.frontend();
  const r = await call(fe.port, '/');
  assert.is(r.status, 503);
  assert.is(r.body, 'no healthy upstream: backend has no endpoints\n');
  assert.is(fe.metric('requests_total', { direction: 'outbound', code: '5xx' }), 1);
  assert.is(fe.metric('pending_requests', { destination: 'backend' }), 0, 'the refused request is not left pending');
});

test('the request reaches the app as the client sent it: method, path and query, body', async ({ mesh }) => {
  mesh.answer = [mesh.addresses[1]!];
  const fe = await mesh.frontend();
  const r = await call(fe.port, '/orders?id=42', { method: 'PUT', body: 'x'.repeat(10_000), headers: { 'x-app': 'shop' } });
  assert.is(r.status, 200);
  assert.is(r.body, 'b2 /orders?id=42');
  const seen = mesh.apps[1]!.seen[0]!;
  assert.is(seen.method, 'PUT');
  assert.is(seen.headers['x-app'], 'shop');
  assert.is(seen.headers['content-length'], '10000');
});

test.run();
