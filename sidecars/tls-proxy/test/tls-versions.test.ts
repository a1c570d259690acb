// The TLS versions the proxy accepts: 1.2 and 1.3, or 1.3 only. Old versions are offered by OpenSSL's CLI
// (openssl.ts), which can still speak them, and are shown to work against an OpenSSL control server first.
import * as assert from 'uvu/assert';
import { parseMetrics } from '../../lib/metrics.js';
import { tlsOpen, type Proxy } from './fixtures.js';
import { ALERT, controlServer, handshake, type Version } from './openssl.js';
import { appSuite, type AppCtx } from './suites.js';

interface Ctx extends AppCtx {
  proxy: Proxy;
  strict: Proxy;
  legacy: { port: number; close(): void };
}
const test = appSuite<Ctx>('TLS versions', {
  serial: '0D01',
  proxies: { proxy: [], strict: ['--min-tls-version', '1.3'] },
  async setup(ctx) {
    // The positive control: an OpenSSL server that does accept TLS 1.0 and 1.1.
    ctx.legacy = await controlServer(ctx.cert.cert, ctx.cert.key);
  },
  teardown: async (ctx) => ctx.legacy?.close(),
});

/** Fails unless a handshake offering only version v is refused with the server's protocol_version alert (70). */
async function assertRefused(port: number, v: Version, caFile: string) {
  const h = await handshake(port, { version: v, caFile });
  assert.is(h.protocol, undefined, `a ${v} handshake must be refused`);
  assert.match(h.error ?? '', ALERT.protocolVersion);
}

test('the control: this same TLS 1.0 and TLS 1.1 client config connects to a server that allows them', async ({ pki, legacy }) => {
  assert.is((await handshake(legacy.port, { version: 'tls1', caFile: pki.caFile })).protocol, 'TLSv1');
  assert.is((await handshake(legacy.port, { version: 'tls1_1', caFile: pki.caFile })).protocol, 'TLSv1.1');
});

test('a TLS 1.0 handshake is refused by the proxy with a protocol_version alert', async ({ pki, proxy }) => {
  await assertRefused(proxy.port, 'tls1', pki.caFile);
});

test('a TLS 1.1 handshake is refused by the proxy with a protocol_version alert', async ({ pki, proxy }) => {
  await assertRefused(proxy.port, 'tls1_1', pki.caFile);
});

test('refused handshakes are counted as handshake errors', async ({ pki, proxy }) => {
  const count = () => parseMetrics(proxy.metrics.render()).get('tls_proxy_connections_total{result="handshake_error"}') ?? 0;
  const before = count();
  await assertRefused(proxy.port, 'tls1', pki.caFile);
  await assertRefused(proxy.port, 'tls1_1', pki.caFile);
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
  await assertRefused(strict.port, 'tls1_2', pki.caFile);
  const s = await tlsOpen(strict.port, { minVersion: 'TLSv1.3', ca: pki.ca, servername: 'localhost' });
  assert.is(s.getProtocol(), 'TLSv1.3');
  s.destroy();
});

test.run();
