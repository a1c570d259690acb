// The outbound half-close rule, with mesh-proxy as a process: an app that closes its side of a
// connection to an outbound port, even with a half-close after a whole request, has gone. Its request
// is cut (counted as cut), it gets no answer, and its place under --max-pending-requests is free at
// once, so that apps that leave at any moment never open the circuit breaker for those that stay.
import { connect } from 'node:net';
import * as assert from 'uvu/assert';
import { within } from '../../lib/test-support/wait.js';
import { call, calls, tally, until } from './mesh.js';
import { DRAIN_MS, frontendProcess, hostsFile, hostsMeshSuite, stopsCleanly } from './process.js';

const { test, run } = hostsMeshSuite('mesh-proxy process: the outbound half-close rule');

/** Connects to the outbound port and sends these bytes, then half-closes at once or when told (end); closed: what came back once the proxy closed. */
function halfCloser(port: number, bytes: string, o: { later?: boolean } = {}) {
  const s = connect({ host: '127.0.0.1', port, allowHalfOpen: true });
  let text = '';
  s.setEncoding('latin1').on('data', (c: string) => (text += c));
  s.on('error', () => {});
  s.write(bytes);
  if (!o.later) s.end();
  const closed = new Promise<string>((r) => s.once('close', () => r(text)));
  return { closed, end: () => s.end() };
}

const GET = 'GET /gone HTTP/1.1\r\nHost: backend\r\n\r\n';

test('an app that half-closes after its whole request has gone: the request is cut and counted, no answer, its place free at once', async ({
  mesh,
}) => {
  const hosts = hostsFile({ backend: mesh.addresses });
  const fe = await frontendProcess(mesh, hosts, ['--max-pending-requests', '1']);
  const pending = () => fe.metric('pending_requests', { destination: 'backend' });
  for (const a of mesh.apps) a.mode = 'hang';
  try {
    const client = halfCloser(fe.port, GET, { later: true });
    await until('the request to reach an app', () => mesh.apps.some((a) => a.seen.length === 1));
    assert.is(await pending(), 1);
    const t0 = Date.now();
    client.end();
    assert.is(await within(2000, 'the proxy to close the connection', client.closed), '', 'no answer for an app that has gone');
    await until('its place to be free', async () => (await pending()) === 0, 1000, 10);
    assert.ok(Date.now() - t0 < 1000, `freed after ${Date.now() - t0} ms, with the app still hanging`);
    assert.is(await fe.metric('requests_total', { direction: 'outbound', code: '0xx' }), 1);
    for (const a of mesh.apps) a.mode = 'ok';
    assert.equal(tally(await calls(fe.port, 3)), { b1: 1, b2: 1, b3: 1 });
    assert.is(await fe.metric('circuit_breaker_overflow_total'), 0, 'the place was free for the next request');
    assert.equal(await stopsCleanly(fe, DRAIN_MS), []);
  } finally {
    fe.kill();
    hosts.cleanup();
  }
});

test('60 apps that half-close mid-head, mid-body or right after their request hold no place: the breaker never opens for the rest', async ({
  mesh,
}) => {
  const hosts = hostsFile({ backend: mesh.addresses });
  const fe = await frontendProcess(mesh, hosts, ['--max-pending-requests', '2']);
  for (const a of mesh.apps) a.mode = 'hang';
  const moments = [
    'GET /partial HTTP/1.1\r\nHost: bac', // mid-head: no request yet
    'POST /upload HTTP/1.1\r\nHost: backend\r\nContent-Length: 100\r\n\r\nhalf of it', // mid-body
    GET, // the whole request, half-closed with it
  ];
  try {
    // Ten at a time, more than the 2 places: those past them are refused (503) as they should be.
    let refused = 0;
    for (let round = 0; round < 6; round++) {
      const clients = Array.from({ length: 10 }, (_, i) => halfCloser(fe.port, moments[(round * 10 + i) % 3]!));
      const answers = await within(3000, 'the proxy to close all ten', Promise.all(clients.map((c) => c.closed)));
      for (const a of answers) assert.ok(a === '' || a.startsWith('HTTP/1.1 503'), JSON.stringify(a));
      refused += answers.filter((a) => a !== '').length;
    }
    await until('no place held', async () => (await fe.metric('pending_requests', { destination: 'backend' })) === 0, 1000);
    const overflow = await fe.metric('circuit_breaker_overflow_total');
    const cut = await fe.metric('requests_total', { direction: 'outbound', code: '0xx' });
    assert.is(overflow, refused, 'every 503 an overflow, counted');
    assert.is(cut + overflow, 40, `each of the 40 whole heads cut or refused: ${cut} cut, ${overflow} refused`);
    assert.is(await fe.metric('requests_total', { direction: 'outbound', code: '2xx' }), 0);
    for (const a of mesh.apps) a.mode = 'ok';
    const after = await Promise.all(Array.from({ length: 2 }, (_, i) => call(fe.port, `/after/${i}`)));
    assert.equal(
      after.map((r) => r.status),
      [200, 200],
      'both places free',
    );
    assert.is(await fe.metric('circuit_breaker_overflow_total'), overflow, 'no overflow once they had gone');
    assert.equal(await stopsCleanly(fe, DRAIN_MS), []);
  } finally {
    fe.kill();
    hosts.cleanup();
  }
});

run();
