// TLS 1.2 cipher policy (Mozilla "intermediate"): only forward-secret AEAD suites, ECDHE with AES-GCM or
// CHACHA20-POLY1305. Each refused suite is first shown to connect to a server that allows it, so the
// refusal is the proxy's doing and not the client's. Both peers are OpenSSL's CLI (openssl.ts).
import * as assert from 'uvu/assert';
import {
  installPair,
  proxyParams,
  servedSerial,
  startTestProxy,
  until,
  type Issued,
  type Pki,
  type Proxy,
  type Upstream,
} from './fixtures.js';
import { ALERT, controlServer, handshake } from './openssl.js';
import { pkiSuite, type PkiCtx } from './suites.js';

interface Side {
  cert: Issued;
  proxy: Proxy;
  control: { port: number; close(): void };
}
interface Ctx extends PkiCtx {
  ec: Side;
  rsa: Side;
}

async function side(pki: Pki, upstream: Upstream, name: string, serial: string, kind: 'ec' | 'rsa'): Promise<Side> {
  const cert = pki.issue(name, serial, kind);
  const proxy = await startTestProxy(await proxyParams(cert, upstream.port));
  // The control: an OpenSSL server that offers every suite OpenSSL has.
  return { cert, proxy, control: await controlServer(cert.cert, cert.key) };
}

const test = pkiSuite<Ctx>('TLS 1.2 cipher suites', {
  async setup(ctx) {
    ctx.ec = await side(ctx.pki, ctx.upstream, 'ec', '0C0E', 'ec');
    ctx.rsa = await side(ctx.pki, ctx.upstream, 'rsa', '0C0F', 'rsa');
  },
  async teardown(ctx) {
    for (const s of [ctx.ec, ctx.rsa]) {
      await s?.proxy.drain();
      s?.control.close();
    }
  },
});

/** The suite a TLS 1.2 handshake that offers only `suite` settles on, or `refused` with the server's handshake_failure alert. */
async function negotiate(port: number, suite: string, caFile: string): Promise<string> {
  const h = await handshake(port, { version: 'tls1_2', cipher: suite, caFile });
  if (h.cipher) return h.cipher;
  return ALERT.handshakeFailure.test(h.error ?? '') ? 'refused' : `failed otherwise: ${h.error}`;
}

const REFUSED_EC = [
  'ECDHE-ECDSA-AES128-SHA',
  'ECDHE-ECDSA-AES256-SHA',
  'ECDHE-ECDSA-AES128-SHA256',
  'ECDHE-ECDSA-AES256-SHA384',
  'ECDHE-ECDSA-AES128-CCM8',
  'ECDHE-ECDSA-AES256-CCM8',
  'ECDHE-ECDSA-AES128-CCM',
  'ECDHE-ECDSA-ARIA128-GCM-SHA256',
];
const REFUSED_RSA = [
  'AES128-GCM-SHA256',
  'AES256-GCM-SHA384',
  'AES128-SHA',
  'AES256-SHA256',
  'ECDHE-RSA-AES128-SHA',
  'ECDHE-RSA-AES256-SHA384',
  'ECDHE-ARIA128-GCM-SHA256',
];
const ALLOWED_EC = ['ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-ECDSA-CHACHA20-POLY1305'];
const ALLOWED_RSA = ['ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES256-GCM-SHA384', 'ECDHE-RSA-CHACHA20-POLY1305'];

test('the control: each refused suite below does connect to a server that offers it', async ({ pki, ec, rsa }) => {
  for (const s of REFUSED_EC) assert.is(await negotiate(ec.control.port, s, pki.caFile), s);
  for (const s of REFUSED_RSA) assert.is(await negotiate(rsa.control.port, s, pki.caFile), s);
});

test('CBC, SHA-1 MAC, CCM and ARIA suites are refused with an ECDSA certificate', async ({ pki, ec }) => {
  for (const s of REFUSED_EC) assert.is(await negotiate(ec.proxy.port, s, pki.caFile), 'refused', s);
});

test('plain RSA key exchange, CBC, SHA-1 MAC and ARIA suites are refused with an RSA certificate', async ({ pki, rsa }) => {
  for (const s of REFUSED_RSA) assert.is(await negotiate(rsa.proxy.port, s, pki.caFile), 'refused', s);
});

test('ECDHE with AES-GCM or CHACHA20-POLY1305 is accepted over TLS 1.2, for either kind of certificate', async ({ pki, ec, rsa }) => {
  for (const s of ALLOWED_EC) assert.is(await negotiate(ec.proxy.port, s, pki.caFile), s);
  for (const s of ALLOWED_RSA) assert.is(await negotiate(rsa.proxy.port, s, pki.caFile), s);
});

test('TLS 1.3 keeps its default suites', async ({ pki, ec }) => {
  for (const s of ['TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256', 'TLS_AES_128_GCM_SHA256']) {
    assert.equal(await handshake(ec.proxy.port, { version: 'tls1_3', suite13: s, caFile: pki.caFile }), { protocol: 'TLSv1.3', cipher: s });
  }
});

test('the policy still holds after a certificate reload', async ({ pki, ec }) => {
  const next = pki.issue('ec-next', '0C10');
  installPair(ec.cert, next);
  await ec.proxy.reload?.('test');
  await until('the new certificate to be served', async () => (await servedSerial(ec.proxy.port, pki.ca)) === '0C10');
  assert.is(await negotiate(ec.proxy.port, 'ECDHE-ECDSA-AES128-SHA256', pki.caFile), 'refused');
  assert.is(await negotiate(ec.proxy.port, 'ECDHE-ECDSA-AES128-GCM-SHA256', pki.caFile), 'ECDHE-ECDSA-AES128-GCM-SHA256');
});

test.run();
