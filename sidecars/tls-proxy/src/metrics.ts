// tls-proxy's metrics, all in one place (names get the tls_proxy_ prefix from the registry).
import { certificateMetrics } from '../../lib/dataplane/index.js';
import type { Registry } from '../../lib/metrics.js';

export function registerMetrics(r: Registry) {
  return {
    connections: r.counter('connections_total', 'Connections accepted, by outcome: tls, plain_http (answered 400/308), handshake_error.', [
      'result',
    ]),
    open: r.gauge('open_connections', 'Connections open now.'),
    requests: r.counter('requests_total', 'HTTP requests proxied (http mode), by status class.', ['code']),
    upstreamErrors: r.counter('upstream_errors_total', 'Requests or connections the app did not answer.'),
    duration: r.histogram(
      'request_duration_seconds',
      'Time from request to the end of the response (http mode).',
      [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.25, 1, 5],
    ),
    reloads: r.counter('certificate_reloads_total', 'Certificate loads, by result (ok, error). An error keeps the last good pair.', [
      'result',
    ]),
    lastReload: r.gauge('certificate_last_reload_success_timestamp_seconds', 'When the certificate was last loaded.'),
    ...certificateMetrics(r, 'subject'),
  };
}
