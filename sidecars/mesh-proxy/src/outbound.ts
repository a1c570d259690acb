// The outbound half: for each destination, a plain-HTTP listener on the pod loopback that the app calls,
// and the router behind it. A request is refused with an immediate 503 past --max-pending-requests
// (the circuit breaker); each try goes to the next endpoint round robin, over mTLS; an idempotent
// request without a body is tried again after a connect failure, a reset, a per-try timeout or a 503,
// on another endpoint, while --retries and the retry budget allow. Every try's outcome feeds outlier
// ejection; every request gets a client span and a traceparent that names it.
import { HttpError } from '../../lib/http.js';
import type { Logger } from '../../lib/log.js';
import { byClass, IDEMPOTENT, type Route, type Router, type TryOutcome, type UpstreamConnection } from '../../lib/dataplane/index.js';
import type { RetryBudget } from './budget.js';
import type { Cluster, Endpoint } from './cluster.js';
import type { Exporter } from './exporter.js';
import type { Metrics } from './metrics.js';
import { CLIENT, endSpan, spanTraceparent, startSpan, traceparentOf } from './trace.js';

export interface OutboundOptions {
  destination: string;
  /** The SPIFFE ID the destination's sidecars must present. */
  peerId: string;
  cluster: Cluster;
  budget: RetryBudget | undefined;
  retries: number;
  perTryTimeoutMs: number;
  timeoutMs: number;
  maxPending: number;
  m: Metrics;
  log: Logger;
  exporter: Exporter | undefined;
}

const TRACE_HEADERS: ReadonlySet<string> = new Set(['traceparent']);

function reason(o: TryOutcome): string {
  if (o.timedOut) return 'timeout';
  if (o.status !== undefined) return String(o.status);
  const code = (o.err as NodeJS.ErrnoException | undefined)?.code ?? '';
  return /ECONNREFUSED|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|EAI_AGAIN|ENOTFOUND|CERT|SSL|TLS/.test(code) ? 'connect_failure' : 'reset';
}

export function outboundRouter(o: OutboundOptions): Router & { pending(): number } {
  const d = o.destination;
  let pending = 0;
  const count = byClass(o.m.requests, { direction: 'outbound', destination: d, peer: o.peerId });
  // Labelled by the destination of the configuration (--outbound), never by anything a request says.
  const duration = o.m.outboundDuration.series({ destination: d });
  return {
    drop: TRACE_HEADERS,
    pending: () => pending,
    route(req): Route {
      if (pending >= o.maxPending) {
        o.m.overflow.inc({ destination: d });
        throw new HttpError(503, `upstream overflow: ${o.maxPending} requests to ${d} are already pending`, {
          connection: 'close',
          'x-mesh-overflow': 'max-pending-requests',
        });
      }
      pending++;
      o.budget?.request();
      const span = startSpan(traceparentOf(req.rawHeaders), `${req.method} ${d}`, CLIENT);
      const retryable = req.body === 'none' && IDEMPOTENT.has(req.method);
      let tries = 0;
      let current: Endpoint | undefined;
      let counted = false;
      /** How the try on `current` went, for outlier ejection: once per try. */
      const record = (t: TryOutcome) => {
        if (counted || !current) return;
        counted = true;
        // A kept-alive connection the peer had just closed says nothing about the endpoint.
        const stale = t.err !== undefined && t.reused && !t.timedOut;
        if (t.status !== undefined && t.status < 500) o.cluster.succeeded(current);
        else if (!stale && o.cluster.failed(current)) o.m.ejections.inc({ destination: d });
      };
      const t0 = process.hrtime.bigint();
      return {
        headers: `traceparent: ${spanTraceparent(span)}\r\n`,
        perTryTimeoutMs: o.perTryTimeoutMs,
        timeoutMs: o.timeoutMs,
        connect(): UpstreamConnection {
          const ep = o.cluster.pick(current);
          if (!ep) throw new HttpError(503, `no healthy upstream: ${d} has no endpoints`, { connection: 'close' });
          // The same endpoint again (it is the only one): a new connection, not one that may be stale too.
          const fresh = ep === current;
          current = ep;
          counted = false;
          tries++;
          return ep.pool.acquire(fresh);
        },
        retry(t) {
          record(t);
          const again = t.status === undefined || t.status === 503;
          if (!retryable || !again || tries > o.retries) return false;
          if (o.budget && !o.budget.withdraw()) {
            o.m.budgetExhausted.inc({ destination: d });
            return false;
          }
          o.m.retries.inc({ destination: d, reason: reason(t) });
          return true;
        },
        failure: (t) => {
          record(t); // a try the deadline ended was never offered for a retry: it counts here
          return t.timedOut
            ? { status: 504, text: `upstream request timeout: ${d} did not answer in time\n` }
            : { status: 503, text: `upstream connect error or disconnect/reset before headers: ${d}\n` };
        },
        done(status) {
          pending--;
          count(status);
          duration.observe(Number(process.hrtime.bigint() - t0) / 1e9);
          o.exporter?.add(endSpan(span, req, status, { 'peer.service': d, tries, ...(current ? { 'net.peer.ip': current.address } : {}) }));
        },
      };
    },
  };
}
