// span-collector's metrics, on the admin port (names get the span_collector_ prefix from the registry).
import type { Registry } from '../../../../sidecars/lib/metrics.js';
import type { SpanStore } from './store.js';

export function registerMetrics(r: Registry, store: SpanStore) {
  const m = {
    received: r.counter('spans_received_total', 'Valid spans received, duplicates (an exporter retrying) included.'),
    rejected: r.counter('spans_rejected_total', 'Spans rejected as invalid (reported in partialSuccess), besides whole requests refused.'),
    duplicates: r.counter('spans_duplicate_total', 'Spans received again (same trace and span id) and kept once.'),
    evicted: r.counter('spans_evicted_total', 'Spans dropped to stay within --max-spans, oldest first.'),
    spans: r.gauge('spans_stored', 'Spans kept now.', {
      collect() {
        this.set(store.spanCount);
      },
    }),
    traces: r.gauge('traces_stored', 'Traces with at least one span kept now.', {
      collect() {
        this.set(store.traceCount);
      },
    }),
    requests: r.counter('requests_total', 'HTTP answers, by route (traces, trace, list, other) and status.', ['route', 'status']),
  };
  // Shown as 0 from the start, so a rate over them has a beginning.
  for (const c of [m.received, m.rejected, m.duplicates, m.evicted]) c.inc({}, 0);
  return m;
}
export type Metrics = ReturnType<typeof registerMetrics>;
