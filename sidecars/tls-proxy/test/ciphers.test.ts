// TLS 1.2 cipher policy (Mozilla "intermediate"): only forward-secret AEAD suites, ECDHE with AES-GCM or
// CHACHA20-POLY1305. Each refused suite is first shown to connect to a server that allows it, so the
// refusal is the proxy's doing and not the client's.
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:tls';
import * as assert from 'uvu/assert';
import {
  installPair,
  proxyParams,
  servedSerial,
  startTestProxy,
  tlsOpen,
  until,
  type Issued,
  type Pki,
  type Proxy,
  type Upstream,
} from './fixtures.js';
import { pkiSuite, type PkiCtx } from './suites.js';

interface Side {
  cert: Issued;
  proxy: Proxy;
  control: Server;
  controlPort: number;
}
interface Ctx extends PkiCtx {
  ec: Side;
  rsa: Side;
}

async function side(pki: Pki, upstream: Upstream, name: string, serial: string, kind: 'ec' | 'rsa'): Promise<Side> {
  const cert = pki.issue(name, serial, kind);
  const proxy = await startTestProxy(await proxyParams(cert, upstream.port));
  // The control: a plain Node TLS server that offers every suite OpenSSL has.
  const control = createServer({ cert: readFileSync(cert.cert), key: readFileSync(cert.key), ciphers: 'ALL:@SECLEVEL=0' }, (s) => s.end());
  await new Promise<void>((r) => control.listen(0, '127.0.0.1', r));
  return { cert, proxy, control, controlPort: (control.address() as AddressInfo).port };
}

const test = pkiSuite<Ctx>('TLS 1.2 cipher suites', {
  async setup(ctx) {
    ctx.ec = await side(ctx.pki, ctx.upstream, 'ec', '0C0E', 'ec');
    ctx.rsa = await side(ctx.pki, ctx.upstream, 'rsa', '0C0F', 'rsa');
  },
  async teardown(ctx) {
    for (const s of [ctx.ec, ctx.rsa]) {
      await s?.proxy.drain();
      await new Promise((r) => s?.control.close(r));
    }
  },
});

/** A TLS 1.2 client that offers this one suite only. */
const offering = (suite: string, ca: Buffer) => ({
  ciphers: `${suite}:@SECLEVEL=0`,
  maxVersion: 'TLSv1.2' as const,
  ca,
  servername: 'localhost',
});

/** The suite a TLS 1.2 handshake that offers only `suite` settles on, or the handshake's error code. */
async function negotiate(port: number, suite: string, ca: Buffer): Promise<string> {
  try {
    const s = await tlsOpen(port, offering(suite, ca));
    const name = s.getCipher().name;
    s.destroy();
    return name;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code ?? 'error';
  }
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
  for (const s of REFUSED_EC) assert.is(await negotiate(ec.controlPort, s, pki.ca), s);
  for (const s of REFUSED_RSA) assert.is(await negotiate(rsa.controlPort, s, pki.ca), s);
});

test('CBC, SHA-1 MAC, CCM and ARIA suites are refused with an ECDSA certificate', async ({ pki, ec }) => {
  for (const s of REFUSED_EC) assert.is(await negotiate(ec.proxy.port, s, pki.ca), 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE', s);
});

test('plain RSA key exchange, CBC, SHA-1 MAC and ARIA suites are refused with an RSA certificate', async ({ pki, rsa }) => {
  for (const s of REFUSED_RSA) assert.is(await negotiate(rsa.proxy.port, s, pki.ca), 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE', s);
});

test('ECDHE with AES-GCM or CHACHA20-POLY1305 is accepted over TLS 1.2, for either kind of certificate', async ({ pki, ec, rsa }) => {
  for (const s of ALLOWED_EC) assert.is(await negotiate(ec.proxy.port, s, pki.ca), s);
  for (const s of ALLOWED_RSA) assert.is(await negotiate(rsa.proxy.port, s, pki.ca), s);
});

test('TLS 1.3 keeps its default suites', async ({ pki, ec }) => {
  for (const s of ['TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256', 'TLS_AES_128_GCM_SHA256']) {
    const sock = await tlsOpen(ec.proxy.port, { minVersion: 'TLSv1.3', ciphers: s, ca: pki.ca, servername: 'localhost' });
    assert.is(sock.getCipher().standardName, s);
    sock.destroy();
  }
});

test('the policy still holds after a certificate reload', async ({ pki, ec }) => {
  const next = pki.issue('ec-next', '0C10');
  installPair(ec.cert, next);
  await ec.proxy.reload?.('test');
  await until('the new certificate to be served', async () => (await servedSerial(ec.proxy.port, pki.ca)) === '0C10');
  assert.is(await negotiate(ec.proxy.port, 'ECDHE-ECDSA-AES128-SHA256', pki.ca), 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE');
  assert.is(await negotiate(ec.proxy.port, 'ECDHE-ECDSA-AES128-GCM-SHA256', pki.ca), 'ECDHE-ECDSA-AES128-GCM-SHA256');
});

test.run();
