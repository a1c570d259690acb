// mesh-proxy's metrics, all in one place (names get the mesh_proxy_ prefix from the registry).
import { certificateMetrics } from '../../lib/dataplane/index.js';
import type { Registry } from '../../lib/metrics.js';

const LATENCY = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** What the metrics read at each scrape: per destination, the endpoints ejected now and the budget's window. */
export interface Live {
  ejected(): [string, number][];
  pending(): [string, number][];
  budgets(): [string, { requests: number; retries: number }][];
}

export function registerMetrics(r: Registry, live: Live = { ejected: () => [], pending: () => [], budgets: () => [] }) {
  return {
    requests: r.counter(
      'requests_total',
      'Requests, by direction (inbound, outbound), destination service, response class (2xx…5xx; 0xx: cut) and peer SPIFFE ID.',
      ['direction', 'destination', 'code', 'peer'],
    ),
    inboundDuration: r.histogram('inbound_request_duration_seconds', 'Inbound: time from request to the end of the response.', LATENCY),
    outboundDuration: r.histogram(
      'outbound_request_duration_seconds',
      'Outbound: time from request to the end of the response, retries included, by destination service (one series per --outbound destination).',
      LATENCY,
      ['destination'],
    ),
    connections: r.counter(
      'inbound_connections_total',
      'Inbound connections, by result: ok, denied (identity not allowed), no_certificate, untrusted_certificate, handshake_error, plain_http.',
      ['result', 'peer'],
    ),
    retries: r.counter('retries_total', 'Retries, by destination and reason: connect_failure, reset, timeout, 503.', [
      'destination',
      'reason',
    ]),
    budgetExhausted: r.counter('retry_budget_exhausted_total', 'Retries not made because the retry budget was spent, by destination.', [
      'destination',
    ]),
    ejections: r.counter('outlier_ejections_total', 'Endpoints ejected after consecutive failures, by destination.', ['destination']),
    ejected: r.gauge('outlier_ejected_endpoints', 'Endpoints ejected now, by destination.', {
      labels: ['destination'],
      collect() {
        for (const [destination, n] of live.ejected()) this.set(n, { destination });
      },
    }),
    endpoints: r.gauge('endpoints', 'Endpoints known from DNS now, by destination.', { labels: ['destination'] }),
    budgetRequests: r.gauge('retry_budget_window_requests', 'Requests the retry budget counts now (the last 10 s), by destination.', {
      labels: ['destination'],
      collect() {
        for (const [destination, w] of live.budgets()) this.set(w.requests, { destination });
      },
    }),
    budgetRetries: r.gauge('retry_budget_window_retries', 'Retries the retry budget counts now (the last 10 s), by destination.', {
      labels: ['destination'],
      collect() {
        for (const [destination, w] of live.budgets()) this.set(w.retries, { destination });
      },
    }),
    overflow: r.counter(
      'circuit_breaker_overflow_total',
      'Requests answered 503 at once because --max-pending-requests were in flight, by destination.',
      ['destination'],
    ),
    pending: r.gauge('pending_requests', 'Requests in flight, by destination.', {
      labels: ['destination'],
      collect() {
        for (const [destination, n] of live.pending()) this.set(n, { destination });
      },
    }),
    dns: r.counter('dns_resolutions_total', 'DNS resolutions of a destination, by result (ok, error).', ['destination', 'result']),
    upstreamErrors: r.counter(
      'upstream_errors_total',
      'Requests whose last try failed before a response head (connect, TLS, reset, timeout), or cut after it; retried tries are in retries_total.',
    ),
    spans: r.counter('spans_total', 'Spans, by result: exported, dropped.', ['result']),
    reloads: r.counter('identity_reloads_total', 'Identity loads, by result (ok, error). An error keeps the last good identity.', [
      'result',
    ]),
    lastReload: r.gauge('identity_last_reload_success_timestamp_seconds', 'When the identity was last loaded.'),
    ...certificateMetrics(r, 'spiffe_id'),
  };
}
export type Metrics = ReturnType<typeof registerMetrics>;
