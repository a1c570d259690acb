// Builds tls-proxy from its parameters: the native listener (TLS started per connection) -> HTTP or TCP proxy, the
// certificate store with its reloads, metrics, readiness and the SIGTERM drain.
import { createSecureContext, DEFAULT_CIPHERS, type SecureVersion } from 'node:tls';
import { bindOrExplain } from '../../lib/listen.js';
import { Reloadable } from '../../lib/reloadable.js';
import type { Context, Running } from '../../lib/run.js';
import {
  alpnWire,
  answers,
  type BunListener,
  type CertPair,
  dial,
  drainConnections,
  follow,
  listenNative,
  loadPair,
  type NativeConn,
  type ServerTls,
  showCertificate,
} from '../../lib/dataplane/index.js';
import { createHttpProxy } from './http-proxy.js';
import { registerMetrics } from './metrics.js';
import type { params as table } from './params.js';
import { pipeToUpstream } from './tcp-proxy.js';

// TLS 1.2 offers only forward-secret AEAD suites, as Mozilla's "intermediate" profile: ECDHE key exchange
// with AES-GCM or CHACHA20-POLY1305. No CBC, no SHA-1 MAC, no CCM(8), no static RSA key exchange.
// TLS 1.3 keeps Node's default suites (all AEAD and forward-secret).
const TLS12_SUITES = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
];
export const CIPHERS = [...DEFAULT_CIPHERS.split(':').filter((c) => c.startsWith('TLS_')), ...TLS12_SUITES].join(':');

export async function start({ params: p, log, metrics }: Context<typeof table>): Promise<Running & { port: number }> {
  const m = registerMetrics(metrics);
  const minVersion: SecureVersion = p.minTlsVersion === '1.3' ? 'TLSv1.3' : 'TLSv1.2';
  const files = [p.certFile, p.keyFile];

  // Every certificate, the first and each reloaded one, gets the same policy.
  const secure = (pair: CertPair) => ({ cert: pair.cert, key: pair.key, minVersion, ciphers: CIPHERS });
  const store = new Reloadable<CertPair>('certificate', () => loadPair(p.certFile, p.keyFile), log, m.reloads, m.lastReload);
  const first = await store.reload('start');
  if (!first.ok) throw new Error(`invalid --cert-file/--key-file: ${first.error}`);

  let draining = false;
  // Built once per certificate, read by each connection as its handshake begins: a renewed certificate
  // serves the next connection, and a connection costs no parsing of keys.
  const alpn = p.mode === 'http' ? alpnWire(['http/1.1']) : undefined;
  const context = (pair: CertPair): ServerTls => ({ secureContext: createSecureContext(secure(pair)).context, ALPNProtocols: alpn });
  let tls = context(store.value);
  const http =
    p.mode === 'http'
      ? createHttpProxy({
          ...m,
          log,
          upstreamHost: p.upstreamHost,
          upstreamPort: p.upstreamPort,
          listenPort: p.listenPort,
          idleTimeoutMs: p.idleTimeout,
          headerTimeoutMs: p.headerTimeout,
          maxBodyBytes: p.maxBodyBytes,
          draining: () => draining,
          hsts: p.hsts ? `max-age=${p.hstsMaxAge}` : undefined,
          accessLog: p.accessLog,
        })
      : undefined;

  const { check, unwatch } = follow({ files, intervalMs: p.reloadInterval, store, log, what: 'certificate' }, (c) => {
    tls = context(c);
    showCertificate(m, { serial: c.serial, subject: c.subject }, c.notAfter);
  });

  let open = 0;
  const front = {
    handshakeTimeoutMs: p.handshakeTimeout,
    plainHttp: p.plainHttp,
    tls: () => tls,
    secure(conn: NativeConn) {
      m.connections.inc({ result: 'tls' });
      if (http) http.accept(conn);
      else pipeToUpstream(conn, dial(p.upstreamHost, p.upstreamPort), m.upstreamErrors);
    },
    onPlain: () => m.connections.inc({ result: 'plain_http' }),
    onHandshakeError(err: Error) {
      m.connections.inc({ result: 'handshake_error' });
      log.debug('handshake failed', { err });
    },
    opened() {
      open++;
      m.open.inc();
    },
    closed() {
      open--;
      m.open.dec();
    },
  };
  // A port in use or an address that does not resolve stops the start with one line naming the parameter.
  let listener: BunListener;
  try {
    listener = await bindOrExplain(() => listenNative(p.listenAddress, p.listenPort, front), p.listenPort, p.listenAddress, {
      port: 'listenPort',
      address: 'listenAddress',
    });
  } catch (e) {
    unwatch();
    throw e;
  }
  log.info('listening', { port: listener.port, mode: p.mode, upstream: `${p.upstreamHost}:${p.upstreamPort}`, serial: store.value.serial });

  return {
    port: p.listenPort,
    ready: () => answers(p.upstreamHost, p.upstreamPort, 'upstream'),
    reload: (reason) => check(reason, true),
    async drain() {
      draining = true;
      unwatch();
      listener.stop(false);
      await drainConnections({ closeIdle: () => http?.closeIdle(), open: () => open - (http?.lingering() ?? 0) });
      // Only now: closing the app's connections earlier would cut requests still in flight.
      http?.pool.destroy();
    },
  };
}
