// Identity and authorization at the inbound port: only a peer with a certificate of the mesh CA whose
// SPIFFE ID is on the allow list reaches the app, and the app learns who it is from
// X-Forwarded-Client-Cert, which no client can write itself. The outbound side checks the server too.
import * as assert from 'uvu/assert';
import { call, meshSuite, startApp, startMeshProxy, until } from './mesh.js';
import { exchange, request } from './peer.js';

const test = meshSuite('mTLS and the allow list');

const BACKEND = 'spiffe://sidecar-lab/test/backend';
const FRONTEND = 'spiffe://sidecar-lab/test/frontend';

test('an allowed caller reaches the app, which gets X-Forwarded-Client-Cert By=<backend>;URI=<frontend>', async ({ mesh }) => {
  const fe = await mesh.frontend();
  const r = await call(fe.port, '/who');
  assert.is(r.status, 200);
  const app = mesh.appOf(r);
  assert.is(app.seen.length, 1);
  assert.is(app.seen[0]!.headers['x-forwarded-client-cert'], `By=${BACKEND};URI=${FRONTEND}`);
  const backend = mesh.backends[mesh.apps.indexOf(app)]!;
  assert.is(backend.metric('inbound_connections_total', { result: 'ok', peer: FRONTEND }), 1);
  assert.is(backend.metric('requests_total', { direction: 'inbound', code: '2xx', peer: FRONTEND }), 1);
});

test("a client's own X-Forwarded-Client-Cert, in any spelling, never reaches the app", async ({ mesh }) => {
  const forged = {
    'X-Forwarded-Client-Cert': `By=${BACKEND};URI=spiffe://sidecar-lab/test/admin`,
    X_Forwarded_Client_Cert: 'URI=spiffe://x/y',
  };
  const fe = await mesh.frontend();
  assert.is((await call(fe.port, '/via-frontend', { headers: forged })).status, 200);
  // And a peer that is allowed, writing the header itself on its own mTLS connection.
  const direct = await exchange(mesh.addresses[0]!, mesh.inboundPort, request('/direct', forged), {
    identity: mesh.frontendDir,
    ca: mesh.ca,
  });
  assert.is(direct.status, 200);
  const seen = mesh.apps.flatMap((a) => a.seen);
  assert.is(seen.length, 2);
  for (const s of seen) {
    assert.is(s.headers['x-forwarded-client-cert'], `By=${BACKEND};URI=${FRONTEND}`, s.url);
    assert.is(s.headers.x_forwarded_client_cert, undefined, s.url);
  }
});

test('a TLS client without a certificate is refused in the handshake and reaches nothing', async ({ mesh }) => {
  const r = await exchange(mesh.addresses[0]!, mesh.inboundPort, request(), { ca: mesh.ca });
  assert.is(r.status, undefined, r.text);
  assert.ok(r.error, 'the connection ended in an error');
  await until('the refusal to be counted', () => mesh.backends[0]!.metric('inbound_connections_total', { result: 'no_certificate' }) === 1);
  assert.is(mesh.apps[0]!.seen.length, 0);
});

test('a certificate of another CA is refused, even one that claims an allowed identity', async ({ mesh }) => {
  const foreign = mesh.pki.identity('frontend', { ca: 'foreign', into: `${mesh.pki.dir}/foreign-frontend` });
  const r = await exchange(mesh.addresses[1]!, mesh.inboundPort, request(), { identity: foreign, ca: mesh.ca });
  assert.is(r.status, undefined, r.text);
  await until(
    'the refusal to be counted',
    () => mesh.backends[1]!.metric('inbound_connections_total', { result: 'untrusted_certificate' }) === 1,
  );
  assert.is(mesh.apps[1]!.seen.length, 0);
});

test('an expired certificate of the mesh CA is refused', async ({ mesh }) => {
  const expired = mesh.pki.identity('frontend', { days: -1, into: `${mesh.pki.dir}/expired-frontend` });
  const untrusted = () => mesh.backends[1]!.metric('inbound_connections_total', { result: 'untrusted_certificate' });
  const before = untrusted();
  const r = await exchange(mesh.addresses[1]!, mesh.inboundPort, request(), { identity: expired, ca: mesh.ca });
  assert.is(r.status, undefined, r.text);
  await until('the refusal to be counted', () => untrusted() === before + 1);
  assert.is(mesh.apps[1]!.seen.length, 0);
});

test('a mesh identity that is not on the allow list gets 403, and the denial is counted with its ID', async ({ mesh }) => {
  const intruder = mesh.pki.identity('intruder');
  const r = await exchange(mesh.addresses[2]!, mesh.inboundPort, request(), { identity: intruder, ca: mesh.ca });
  assert.is(r.status, 403);
  assert.match(r.text, `RBAC: access denied: spiffe://sidecar-lab/test/intruder may not call ${BACKEND}`);
  assert.match(r.text, /\r\nconnection: close\r\n/i);
  assert.is(mesh.backends[2]!.metric('inbound_connections_total', { result: 'denied', peer: 'spiffe://sidecar-lab/test/intruder' }), 1);
  assert.is(mesh.apps[2]!.seen.length, 0);
});

test('plain HTTP to the inbound port gets 400 and is counted', async ({ mesh }) => {
  const r = await exchange(mesh.addresses[0]!, mesh.inboundPort, request(), { plain: true, ca: mesh.ca });
  assert.is(r.status, 400);
  assert.is(mesh.backends[0]!.metric('inbound_connections_total', { result: 'plain_http' }), 1);
  assert.is(mesh.apps[0]!.seen.length, 0);
});

test('TLS 1.2 is refused, even with an allowed identity', async ({ mesh }) => {
  const failed = () => mesh.backends[0]!.metric('inbound_connections_total', { result: 'handshake_error' });
  const before = failed();
  const r = await exchange(mesh.addresses[0]!, mesh.inboundPort, request(), {
    identity: mesh.frontendDir,
    ca: mesh.ca,
    maxVersion: 'TLSv1.2',
  });
  assert.is(r.status, undefined, r.text);
  assert.ok(r.error);
  await until('the failed handshake to be counted', () => failed() === before + 1);
  assert.is(mesh.apps[0]!.seen.length, 0);
});

test("the outbound side refuses a server whose SPIFFE ID is not the destination's, and uses the right ones", async ({ mesh }) => {
  const app = await startApp('impostor');
  const dir = mesh.pki.identity('other');
  const flags = ['--service', 'other', '--identity-dir', dir, '--inbound-port', String(mesh.inboundPort), '--inbound-address', '127.0.0.5'];
  const impostor = await startMeshProxy('impostor', [...flags, '--app-port', String(app.port), '--allow', 'frontend']);
  try {
    mesh.answer = ['127.0.0.5'];
    const fe = await mesh.frontend(['--outlier-consecutive5xx', '1000']);
    const refused = await call(fe.port, '/secret');
    assert.is(refused.status, 503);
    assert.match(refused.body, 'upstream connect error or disconnect/reset before headers: backend');
    mesh.answer = ['127.0.0.5', mesh.addresses[0]!];
    await until('the frontend to resolve both', () => fe.metric('endpoints', { destination: 'backend' }) === 2);
    for (let i = 0; i < 10; i++) assert.is((await call(fe.port, `/${i}`)).status, 200, 'a refused server is retried elsewhere');
    assert.is(app.seen.length, 0, 'the impostor app got nothing');
    assert.is(mesh.apps[0]!.seen.length, 10);
    assert.ok(fe.metric('retries_total', { reason: 'connect_failure' }) >= 2, 'the refused handshakes were retried as connect failures');
    assert.is(fe.metric('retries_total', { reason: 'reset' }), 0);
    assert.ok(
      fe.logs.some((l) => l.includes('127.0.0.5 presented spiffe://sidecar-lab/test/other, not spiffe://sidecar-lab/test/backend')),
    );
  } finally {
    await app.close();
    await impostor.drain();
  }
});

test.run();
