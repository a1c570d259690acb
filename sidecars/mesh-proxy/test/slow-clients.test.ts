// Slow and denied clients on both listeners: a request head must be complete by --header-timeout
// however its bytes trickle in, a body over --max-body-bytes reaches no app, and a caller that got
// its 403 (or any last answer) and keeps sending is cut at the linger deadline, which a drain never waits for.
import { connect } from 'node:net';
import * as assert from 'uvu/assert';
import { LINGER_MS } from '../../lib/linger.js';
import { trickle } from '../../lib/test-support/slow-client.js';
import { freePort, meshSuite, startMeshProxy, within } from './mesh.js';
import { peerSocket } from './peer.js';

const SLOW = ['--header-timeout', '1s', '--max-body-bytes', '1000'];
const test = meshSuite('slow and denied clients', { backend: SLOW, size: 1 });

const HEAD = { first: 'GET /slow HTTP/1.1\r\nHost: backend\r\n', piece: 'X-Slow: 1\r\n', everyMs: 200, limitMs: 10_000 };

/** A connected plain socket to the outbound listener, as the app in the pod has. */
const appSocket = (port: number) =>
  new Promise<ReturnType<typeof connect>>((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });

test('an allowed peer that trickles its head to the inbound port gets a 408 at --header-timeout (1 s)', async ({ mesh }) => {
  const s = await peerSocket(mesh.addresses[0]!, mesh.inboundPort, mesh.frontendDir, mesh.ca);
  const r = await trickle(s, HEAD);
  assert.is(r.status, 408);
  assert.ok(r.closedMs >= 900 && r.closedMs < 1000 + LINGER_MS + 2000, `closed after ${r.closedMs} ms`);
  assert.ok(r.pieces >= 4, `only ${r.pieces} pieces`);
  assert.is(mesh.apps[0]!.seen.length, 0);
});

test('an app that trickles its head to the outbound port gets a 408 at --header-timeout (1 s)', async ({ mesh }) => {
  const fe = await mesh.frontend(SLOW);
  const r = await trickle(await appSocket(fe.port), HEAD);
  assert.is(r.status, 408);
  assert.ok(r.closedMs >= 900 && r.closedMs < 1000 + LINGER_MS + 2000, `closed after ${r.closedMs} ms`);
  assert.is(mesh.apps[0]!.seen.length, 0);
});

test('a body over --max-body-bytes gets a 413 on either listener, and reaches no app', async ({ mesh }) => {
  const fe = await mesh.frontend(SLOW);
  const big = `POST /upload HTTP/1.1\r\nHost: backend\r\nContent-Length: 1001\r\n\r\n${'x'.repeat(1001)}`;
  const huge = 'POST /upload HTTP/1.1\r\nHost: backend\r\nContent-Length: 18446744073709551616\r\n\r\nabc';
  const outbound = await trickle(await appSocket(fe.port), { first: big, piece: '', everyMs: 1000, limitMs: LINGER_MS + 3000 });
  const inbound = await trickle(await peerSocket(mesh.addresses[0]!, mesh.inboundPort, mesh.frontendDir, mesh.ca), {
    first: huge,
    piece: '',
    everyMs: 1000,
    limitMs: LINGER_MS + 3000,
  });
  assert.equal([outbound.status, inbound.status], [413, 413]);
  assert.is(mesh.apps[0]!.seen.length, 0);
});

test('a denied caller that keeps sending after its 403 is cut at the linger deadline, and a drain does not wait for it', async ({
  mesh,
}) => {
  const intruder = mesh.pki.identity('intruder');
  const port = await freePort();
  const lone = await startMeshProxy('lone backend', [
    '--service',
    'backend',
    '--identity-dir',
    mesh.backendDirs[0]!,
    '--inbound-address',
    '127.0.0.1',
    '--inbound-port',
    String(port),
    '--app-port',
    String(mesh.apps[0]!.port),
    '--allow',
    'frontend',
  ]);
  const s = await peerSocket('127.0.0.1', port, intruder, mesh.ca, { allowHalfOpen: true });
  const lingered = trickle(s, { first: 'GET / HTTP/1.1\r\nHost: backend\r\n\r\n', piece: 'x', everyMs: 100, limitMs: LINGER_MS + 5000 });
  const t0 = Date.now();
  await within(3000, 'the drain, with a denied caller still sending', lone.drain());
  const drained = Date.now() - t0;
  const r = await lingered;
  assert.is(r.status, 403);
  assert.ok(drained < r.closedMs, `the drain (${drained} ms) waited for the denied caller (${r.closedMs} ms)`);
  assert.ok(r.closedMs >= LINGER_MS - 200 && r.closedMs < LINGER_MS + 3000, `cut after ${r.closedMs} ms`);
});

test.run();
