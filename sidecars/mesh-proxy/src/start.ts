// Builds mesh-proxy from its parameters: the identity store with its reloads, the inbound mTLS listener
// in front of the app, one outbound listener and cluster per destination, the span exporter, readiness
// and the SIGTERM drain.
import { createServer, type Socket } from 'node:net';
import { connect as tlsConnect, createSecureContext, type SecureContext, type SecureContextOptions } from 'node:tls';
import { listen } from '../../lib/listen.js';
import { Reloadable } from '../../lib/reloadable.js';
import type { Context, Running } from '../../lib/run.js';
import {
  answers,
  drainConnections,
  follow,
  HttpSession,
  type SessionContext,
  showCertificate,
  UpstreamPool,
} from '../../lib/dataplane/index.js';
import { RetryBudget } from './budget.js';
import { Cluster, type Resolve } from './cluster.js';
import { createExporter } from './exporter.js';
import { type Identity, identityFiles, loadIdentity } from './identity.js';
import { createInbound } from './inbound.js';
import { registerMetrics } from './metrics.js';
import { OutlierDetector } from './outlier.js';
import { outboundRouter } from './outbound.js';
import type { params as table } from './params.js';
import { allowedIds, certSpiffeId, spiffeId } from './spiffe.js';

const LOOPBACK = '127.0.0.1';

/** What a test may replace: how a destination's name is resolved. */
export interface Deps {
  resolve?: Resolve;
}

export async function start({ params: p, log, metrics }: Context<typeof table>, deps: Deps = {}): Promise<Running> {
  const clusters: Cluster[] = [];
  const budgets: [string, RetryBudget][] = [];
  const routers: [string, { pending(): number }][] = [];
  const m = registerMetrics(metrics, {
    ejected: () => clusters.map((c) => [c.service, c.ejected]),
    pending: () => routers.map(([d, r]) => [d, r.pending()]),
    budgets: () => budgets.map(([d, b]) => [d, b.window()]),
  });
  const selfId = spiffeId(p.trustDomain, p.namespace, p.service);
  const files = identityFiles(p.identityDir);
  const store = new Reloadable<Identity>('identity', () => loadIdentity(p.identityDir, selfId), log, m.reloads, m.lastReload);
  const first = await store.reload('start');
  if (!first.ok) throw new Error(`invalid --identity-dir: ${first.error}`);
  const secure = (): SecureContextOptions => ({ cert: store.value.cert, key: store.value.key, ca: store.value.ca });
  let clientContext: SecureContext = createSecureContext({ ...secure(), minVersion: 'TLSv1.3' });

  let draining = false;
  const exporter = p.otlpEndpoint ? createExporter({ endpoint: p.otlpEndpoint, service: p.service, log, spans: m.spans }) : undefined;
  const base = (listenPort: number, proto: 'https' | 'http'): Omit<SessionContext, 'router'> => ({
    log,
    listenPort,
    idleTimeoutMs: p.idleTimeout,
    headerTimeoutMs: p.headerTimeout,
    maxBodyBytes: p.maxBodyBytes,
    draining: () => draining,
    upstreamErrors: m.upstreamErrors,
    defaultHost: `${LOOPBACK}:${p.appPort}`,
    proto,
  });

  const app = new UpstreamPool(LOOPBACK, p.appPort);
  const inbound = createInbound({
    service: p.service,
    selfId,
    allowed: allowedIds(p.allow, p.trustDomain, p.namespace),
    app,
    secure: secure(),
    handshakeTimeoutMs: p.handshakeTimeout,
    session: base(p.inboundPort, 'https'),
    m,
    log,
    exporter,
  });

  const outliers = new OutlierDetector({
    consecutive: p.outlierConsecutive5xx,
    baseMs: p.outlierBaseEjection,
    maxPercent: p.outlierMaxEjectionPercent,
    onEject: (ms) => log.warn('endpoint ejected', { ms }),
  });
  const servers = [inbound.front];
  const sessions = new Set<HttpSession>();
  for (const d of p.outbound) {
    const peerId = spiffeId(p.trustDomain, p.namespace, d.service);
    const dial = (address: string, port: number): Socket => {
      const s = tlsConnect({
        host: address,
        port,
        secureContext: clientContext,
        servername: d.service,
        ALPNProtocols: ['http/1.1'],
        // The server must be the destination's identity; its name or address does not matter.
        checkServerIdentity: (_host, cert) => {
          const id = certSpiffeId(cert.subjectaltname);
          if (id === peerId) return undefined;
          // Node's code for a server that is not who it should be: the try counts as a connect failure.
          const err = new Error(`${address} presented ${id ?? 'no SPIFFE ID'}, not ${peerId}`);
          return Object.assign(err, { code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
        },
      });
      s.setNoDelay(true);
      return s;
    };
    const cluster = new Cluster(d.service, d.port, {
      dial,
      resolve: deps.resolve,
      outliers,
      onResolve: (ok, error) => {
        m.dns.inc({ destination: d.service, result: ok ? 'ok' : 'error' });
        if (!ok) log.warn('DNS resolution failed; keeping the last endpoints', { destination: d.service, error });
        m.endpoints.set(cluster.size, { destination: d.service });
      },
    });
    clusters.push(cluster);
    const budget = p.unsafeNoRetryBudget ? undefined : new RetryBudget(p.retryBudgetPercent, p.retryBudgetMinPerSecond);
    if (budget) budgets.push([d.service, budget]);
    const router = outboundRouter({
      destination: d.service,
      peerId,
      cluster,
      budget,
      retries: p.retries,
      perTryTimeoutMs: p.perTryTimeout,
      timeoutMs: p.timeout,
      maxPending: p.maxPendingRequests,
      m,
      log,
      exporter,
    });
    routers.push([d.service, router]);
    const ctx: SessionContext = { ...base(d.localPort, 'http'), router, defaultHost: `${d.service}:${d.port}` };
    // A client's FIN ends the connection (allowHalfOpen off): an app that goes away frees its pending place
    // at once, rather than when the try times out. An app that half-closes after its request gets no answer.
    const server = createServer((s) => {
      s.setNoDelay(true);
      const session = new HttpSession(s, ctx);
      sessions.add(session);
      s.once('close', () => sessions.delete(session));
    });
    server.on('error', (err) => log.error('outbound listener error', { err, destination: d.service }));
    servers.push(server);
    await listen(server, d.localPort, LOOPBACK, { port: 'outbound', address: 'outbound' });
    await cluster.start(p.dnsRefresh);
  }

  const { check, unwatch } = follow({ files, intervalMs: p.reloadInterval, store, log, what: 'identity' }, (id) => {
    inbound.rotate(secure());
    clientContext = createSecureContext({ ...secure(), minVersion: 'TLSv1.3' });
    showCertificate(m, { serial: id.serial, spiffe_id: id.spiffeId }, id.notAfter);
  });

  try {
    await listen(inbound.front, p.inboundPort, p.inboundAddress, { port: 'inboundPort', address: 'inboundAddress' });
  } catch (e) {
    unwatch();
    throw e;
  }
  inbound.front.on('error', (err) => log.error('inbound listener error', { err }));
  log.info('listening', {
    spiffeId: selfId,
    inbound: p.inboundPort,
    app: p.appPort,
    outbound: p.outbound.map(
      (d) => `${LOOPBACK}:${d.localPort} -> ${d.service}:${d.port} [${clusters.find((c) => c.service === d.service)?.addresses.join(' ')}]`,
    ),
    serial: store.value.serial,
  });

  return {
    ready: () => answers(LOOPBACK, p.appPort, 'the app on'),
    reload: (reason) => check(reason, true),
    async drain() {
      draining = true;
      unwatch();
      for (const s of servers) s.close();
      await drainConnections({
        closeIdle() {
          inbound.closeIdle();
          for (const s of sessions) s.closeIfIdle();
        },
        open: () => inbound.active() + [...sessions].filter((s) => s.open).length,
      });
      app.destroy();
      for (const c of clusters) c.stop();
      await exporter?.close();
    },
  };
}
