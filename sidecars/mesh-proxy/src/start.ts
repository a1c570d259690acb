// Builds mesh-proxy from its parameters: the identity store with its reloads, the inbound mTLS listener
// in front of the app, one outbound listener and cluster per destination, the span exporter, readiness
// and the SIGTERM drain.
import { createSecureContext, type SecureContextOptions } from 'node:tls';
import { bindOrExplain } from '../../lib/listen.js';
import { Reloadable } from '../../lib/reloadable.js';
import type { Context, Running } from '../../lib/run.js';
import {
  answers,
  type BunListener,
  dial,
  dialTls,
  drainConnections,
  follow,
  HttpSession,
  listenPlain,
  type NativeConn,
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
  // A native context, built once per identity: a new connection costs no parsing of keys.
  const client = () => createSecureContext({ ...secure(), minVersion: 'TLSv1.3' }).context as unknown;
  let clientContext = client();

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

  const app = new UpstreamPool(LOOPBACK, p.appPort, 256, () => dial(LOOPBACK, p.appPort));
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
  const listeners: BunListener[] = [];
  const sessions = new Set<HttpSession>();
  for (const d of p.outbound) {
    const peerId = spiffeId(p.trustDomain, p.namespace, d.service);
    const cluster = new Cluster(d.service, d.port, {
      // The server must be the destination's identity; its name or address does not matter.
      dial: (address, port) =>
        dialTls(address, port, clientContext, (peer) => {
          const id = certSpiffeId(peer.subjectAltName);
          if (id === peerId) return undefined;
          // Node's code for a server that is not who it should be: the try counts as a connect failure.
          const err = new Error(`${address} presented ${id ?? 'no SPIFFE ID'}, not ${peerId}`);
          return Object.assign(err, { code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
        }),
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
    const accepted = (conn: NativeConn) => {
      const session = new HttpSession(conn, ctx);
      sessions.add(session);
      conn.once('close', () => sessions.delete(session));
    };
    listeners.push(
      await bindOrExplain(() => listenPlain(LOOPBACK, d.localPort, accepted), d.localPort, LOOPBACK, {
        port: 'outbound',
        address: 'outbound',
      }),
    );
    await cluster.start(p.dnsRefresh);
  }

  const { check, unwatch } = follow({ files, intervalMs: p.reloadInterval, store, log, what: 'identity' }, (id) => {
    inbound.rotate(secure());
    clientContext = client();
    showCertificate(m, { serial: id.serial, spiffe_id: id.spiffeId }, id.notAfter);
  });

  try {
    listeners.push(
      await bindOrExplain(() => inbound.listen(p.inboundAddress, p.inboundPort), p.inboundPort, p.inboundAddress, {
        port: 'inboundPort',
        address: 'inboundAddress',
      }),
    );
  } catch (e) {
    unwatch();
    throw e;
  }
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
      for (const l of listeners) l.stop(false);
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
