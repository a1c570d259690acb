import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer, type SecureVersion, type Server } from 'node:tls';
import * as assert from 'uvu/assert';
import { parseMetrics } from '../../lib/metrics.js';
import { tlsOpen, type Proxy } from './fixtures.js';
import { appSuite, type AppCtx } from './suites.js';

interface Ctx extends AppCtx {
  proxy: Proxy;
  strict: Proxy;
  legacy: Server;
  legacyPort: number;
}
const test = appSuite<Ctx>('TLS versions', {
  serial: '0D01',
  proxies: { proxy: [], strict: ['--min-tls-version', '1.3'] },
  async setup(ctx) {
    // The positive control: a plain Node TLS server that does accept TLS 1.0 and 1.1.
    ctx.legacy = createServer(
      { cert: readFileSync(ctx.cert.cert), key: readFileSync(ctx.cert.key), minVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' },
      (s) => s.end(),
    );
    await new Promise<void>((r) => ctx.legacy.listen(0, '127.0.0.1', r));
    ctx.legacyPort = (ctx.legacy.address() as AddressInfo).port;
  },
  teardown: (ctx) => new Promise((r) => ctx.legacy?.close(() => r())),
});

/** A client that speaks only the given version, with legacy ciphers allowed. */
const only = (v: SecureVersion, ca: Buffer) => ({
  minVersion: v,
  maxVersion: v,
  ciphers: 'DEFAULT@SECLEVEL=0',
  ca,
  servername: 'localhost',
});

/** The error a handshake fails with; fails the test when the handshake succeeds. */
async function handshakeError(port: number, v: SecureVersion, ca: Buffer): Promise<NodeJS.ErrnoException> {
  try {
    const s = await tlsOpen(port, only(v, ca));
    s.destroy();
    assert.unreachable(`a ${v} handshake must be refused`);
  } catch (e) {
    assert.instance(e, Error);
    return e as NodeJS.ErrnoException;
  }
  throw new Error('unreachable');
}

/** The server's protocol_version alert (70) as OpenSSL reports it on the client side. */
function assertProtocolVersionAlert(e: NodeJS.ErrnoException) {
  assert.is(e.code, 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION');
  assert.match(e.message, /tlsv1 alert protocol version/);
  assert.match(e.message, /SSL alert number 70/);
}

test('the control: this same TLS 1.0 and TLS 1.1 client config connects to a server that allows them', async ({ pki, legacyPort }) => {
  for (const v of ['TLSv1', 'TLSv1.1'] as const) {
    const s = await tlsOpen(legacyPort, only(v, pki.ca));
    assert.is(s.getProtocol(), v);
    s.destroy();
  }
});

test('a TLS 1.0 handshake is refused by the proxy with a protocol_version alert', async ({ pki, proxy }) => {
  assertProtocolVersionAlert(await handshakeError(proxy.port, 'TLSv1', pki.ca));
});

test('a TLS 1.1 handshake is refused by the proxy with a protocol_version alert', async ({ pki, proxy }) => {
  assertProtocolVersionAlert(await handshakeError(proxy.port, 'TLSv1.1', pki.ca));
});

test('refused handshakes are counted as handshake errors', async ({ pki, proxy }) => {
  const count = () => parseMetrics(proxy.metrics.render()).get('tls_proxy_connections_total{result="handshake_error"}') ?? 0;
  const before = count();
  await handshakeError(proxy.port, 'TLSv1', pki.ca);
  await handshakeError(proxy.port, 'TLSv1.1', pki.ca);
  assert.is(count(), before + 2);
});

test('TLS 1.2 and 1.3 are accepted by default', async ({ pki, proxy }) => {
  for (const v of ['TLSv1.2', 'TLSv1.3'] as const) {
    const s = await tlsOpen(proxy.port, { minVersion: v, maxVersion: v, ca: pki.ca, servername: 'localhost' });
    assert.is(s.getProtocol(), v);
    s.destroy();
  }
});

test('with --min-tls-version 1.3 a TLS 1.2 handshake is refused and TLS 1.3 accepted', async ({ pki, strict }) => {
  assertProtocolVersionAlert(await handshakeError(strict.port, 'TLSv1.2', pki.ca));
  const s = await tlsOpen(strict.port, { minVersion: 'TLSv1.3', ca: pki.ca, servername: 'localhost' });
  assert.is(s.getProtocol(), 'TLSv1.3');
  s.destroy();
});

test.run();
