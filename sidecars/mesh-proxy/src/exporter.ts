// Sends finished spans to an OTLP/HTTP endpoint as JSON (ExportTraceServiceRequest), in batches: every
// second, or sooner when 512 are waiting. At most 4096 wait; past that the oldest are dropped and
// counted. A failed export drops its batch (and counts it): tracing never holds requests back.
import type { Counter } from '../../lib/metrics.js';
import type { Logger } from '../../lib/log.js';
import type { Span } from './trace.js';

const BATCH = 512;
const MAX_QUEUED = 4096;

export interface Exporter {
  add(span: Span): void;
  /** Sends what is waiting; resolves when the export ended (or failed). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export function otlpBody(service: string, spans: Span[]) {
  const attr = (k: string, v: string | number) => ({
    key: k,
    value: typeof v === 'number' ? { intValue: String(v) } : { stringValue: v },
  });
  return {
    resourceSpans: [
      {
        resource: { attributes: [attr('service.name', service)] },
        scopeSpans: [
          {
            scope: { name: 'sidecar-lab/mesh-proxy' },
            spans: spans.map((s) => ({
              traceId: s.traceId,
              spanId: s.spanId,
              ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
              name: s.name,
              kind: s.kind,
              startTimeUnixNano: String(s.startNs),
              endTimeUnixNano: String(s.endNs),
              attributes: Object.entries(s.attributes).map(([k, v]) => attr(k, v)),
              status: { code: s.error ? 2 : 1 },
            })),
          },
        ],
      },
    ],
  };
}

export function createExporter(
  o: { endpoint: string; service: string; log: Logger; spans: Counter },
  post: (url: string, body: string) => Promise<number> = httpPost,
): Exporter {
  let queue: Span[] = [];
  let inFlight: Promise<void> | undefined;
  const send = async () => {
    while (queue.length) {
      const batch = queue.slice(0, BATCH);
      queue = queue.slice(BATCH);
      try {
        const status = await post(o.endpoint, JSON.stringify(otlpBody(o.service, batch)));
        if (status >= 200 && status < 300) o.spans.inc({ result: 'exported' }, batch.length);
        else throw new Error(`the collector answered ${status}`);
      } catch (e) {
        o.spans.inc({ result: 'dropped' }, batch.length);
        o.log.warn('span export failed', { err: e, spans: batch.length });
      }
    }
  };
  const flush = () => {
    inFlight ??= send().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };
  const timer = setInterval(() => void flush(), 1000);
  timer.unref();
  return {
    add(span) {
      if (!span.sampled) return;
      queue.push(span);
      if (queue.length > MAX_QUEUED) {
        o.spans.inc({ result: 'dropped' }, queue.length - MAX_QUEUED);
        queue = queue.slice(queue.length - MAX_QUEUED);
      }
      if (queue.length >= BATCH) void flush();
    },
    flush,
    async close() {
      clearInterval(timer);
      await flush();
      if (queue.length) await flush();
    },
  };
}

async function httpPost(url: string, body: string): Promise<number> {
  const r = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json' }, signal: AbortSignal.timeout(5000) });
  await r.arrayBuffer();
  return r.status;
}
