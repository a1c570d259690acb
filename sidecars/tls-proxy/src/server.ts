// Puts the pieces together: front listener -> TLS server -> HTTP or TCP proxy, the certificate
// store with its reloads, metrics, readiness and the SIGTERM drain.
import { createServer as createHttpsServer } from 'node:https';
import { connect, type Socket } from 'node:net';
import { createServer as createTlsServer, type SecureVersion, type TLSSocket } from 'node:tls';
import { Reloadable } from '../../lib/reloadable.js';
import type { Context, Running } from '../../lib/run.js';
import type { Values } from '../../lib/params.js';
import { loadPair, rawFingerprint, watchFiles, type CertPair } from './certs.js';
import { createFront } from './front.js';
import { createHttpHandler, type HttpProxyOptions } from './http-proxy.js';
import type { params as table } from './params.js';
import { pipeToUpstream } from './tcp-proxy.js';

type P = Values<typeof table>;

export async function startProxy({ params: p, log, metrics }: Context<typeof table>): Promise<Running & { port: number }> {
  const m = {
    connections: metrics.counter('connections_total', 'Connections accepted, by outcome: tls, plain_http (answered 400/308), handshake_error.'),
    open: metrics.gauge('open_connections', 'Connections open now.'),
    requests: metrics.counter('requests_total', 'HTTP requests proxied (http mode), by status class.'),
    upstreamErrors: metrics.counter('upstream_errors_total', 'Requests or connections the app did not answer.'),
    duration: metrics.histogram('request_duration_seconds', 'Time from request to the end of the response (http mode).', [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.25, 1, 5]),
    reloads: metrics.counter('certificate_reloads_total', 'Certificate loads, by result (ok, error). An error keeps the last good pair.'),
    lastReload: metrics.gauge('certificate_last_reload_success_timestamp_seconds', 'When the certificate was last loaded.'),
    info: metrics.gauge('certificate_info', 'Always 1; labels describe the certificate being served.'),
    notAfter: metrics.gauge('certificate_not_after_seconds', 'Expiry of the certificate being served, in seconds since the Unix epoch.'),
  };
  const minVersion: SecureVersion = p.minTlsVersion === '1.3' ? 'TLSv1.3' : 'TLSv1.2';
  const files = [p.certFile, p.keyFile];

  const secure = (pair: CertPair) => ({ cert: pair.cert, key: pair.key, minVersion });
  const store = new Reloadable<CertPair>('certificate', () => loadPair(p.certFile, p.keyFile), log, m.reloads, m.lastReload);
  const first = await store.reload('start');
  if (!first.ok) throw new Error(`invalid --cert-file/--key-file: ${first.error}`);

  let draining = false;
  const serverOpts = { ...secure(store.value), handshakeTimeout: p.handshakeTimeout, ALPNProtocols: p.mode === 'http' ? ['http/1.1'] : undefined };
  const onSecure = (s: TLSSocket) => { m.connections.inc({ result: 'tls' }); s.setNoDelay(true); };
  const http = p.mode === 'http' ? createHttp(p, serverOpts, () => draining, { log, ...m }) : undefined;
  const tls = http ? http.server : createTlsServer(serverOpts, (s) => pipeToUpstream(s, p.upstreamHost, p.upstreamPort, m.upstreamErrors));
  tls.on('secureConnection', onSecure);
  tls.on('tlsClientError', (err) => { m.connections.inc({ result: 'handshake_error' }); log.debug('handshake failed', { err }); });

  const applied = () => {
    const c = store.value;
    tls.setSecureContext(secure(c));
    m.info.reset();
    m.info.set(1, { serial: c.serial, subject: c.subject });
    m.notAfter.set(c.notAfter.getTime() / 1000);
  };
  applied();
  let seen = rawFingerprint(files);
  const check = async (reason: string, force = false) => {
    const now = rawFingerprint(files);
    if (now === seen && !force) return;
    seen = now;
    const before = store.value.fingerprint;
    const r = await store.reload(reason);
    if (r.ok && store.value.fingerprint !== before) {
      applied();
      log.info('serving new certificate', { serial: store.value.serial, notAfter: store.value.notAfter.toISOString() });
    }
  };
  const unwatch = watchFiles(files, p.reloadInterval, (reason) => void check(reason));

  const sockets = new Set<Socket>();
  const front = createFront({
    handshakeTimeoutMs: p.handshakeTimeout,
    plainHttp: p.plainHttp,
    tls: (s) => tls.emit('connection', s),
    onPlain: () => m.connections.inc({ result: 'plain_http' }),
  });
  front.on('connection', (s: Socket) => {
    sockets.add(s);
    m.open.inc();
    s.once('close', () => { sockets.delete(s); m.open.dec(); });
  });
  await new Promise<void>((resolve, reject) => {
    front.once('error', reject);
    front.listen(p.listenPort, p.listenAddress, () => resolve());
  });
  log.info('listening', { port: p.listenPort, mode: p.mode, upstream: `${p.upstreamHost}:${p.upstreamPort}`, serial: store.value.serial });

  return {
    port: p.listenPort,
    ready: () => upstreamAnswers(p.upstreamHost, p.upstreamPort),
    reload: (reason) => check(reason, true),
    async drain() {
      draining = true;
      unwatch();
      front.close();
      http?.server.closeIdleConnections();
      while (sockets.size > 0) {
        http?.server.closeIdleConnections();
        await new Promise((r) => setTimeout(r, 50));
      }
      // Only now: closing the app's connections earlier would cut requests still in flight.
      http?.pool.destroy();
    },
  };
}

function createHttp(p: P, opts: object, draining: () => boolean, deps: Pick<HttpProxyOptions, 'log' | 'requests' | 'upstreamErrors' | 'duration'>) {
  const { handler, pool } = createHttpHandler({
    ...deps,
    upstreamHost: p.upstreamHost, upstreamPort: p.upstreamPort, listenPort: p.listenPort, draining,
    hsts: p.hsts ? `max-age=${p.hstsMaxAge}` : undefined,
  });
  const server = createHttpsServer(opts, handler);
  // Node tracks a server's connections (for closeIdleConnections and the headers/request timeouts) from its
  // 'listening' event; this server never listens itself (the front hands it sockets), so start that here.
  server.emit('listening');
  server.keepAliveTimeout = p.idleTimeout;
  return { server, pool };
}

/** Ready means the app behind us answers a TCP connect within 500 ms. */
function upstreamAnswers(host: string, port: number): Promise<{ ready: boolean; reason?: string }> {
  return new Promise((resolve) => {
    const s = connect({ host, port, timeout: 500 });
    s.once('connect', () => { s.destroy(); resolve({ ready: true }); });
    s.once('timeout', () => { s.destroy(); resolve({ ready: false, reason: `upstream ${host}:${port} did not answer in 500ms` }); });
    s.once('error', (e: NodeJS.ErrnoException) => resolve({ ready: false, reason: `upstream ${host}:${port}: ${e.code ?? e.message}` }));
  });
}
