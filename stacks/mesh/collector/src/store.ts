// The spans kept in memory: at most maxSpans, the oldest received dropped first. A span received again
// (same trace and span id: an exporter's retry) is kept once. Traces are listed most recently updated first.
import type { Span } from './otlp.js';

export interface TraceSummary {
  traceId: string;
  /** Services with a span in the trace, sorted. */
  services: string[];
  spans: number;
  /** The name of the root span, when it was received. */
  root: string | null;
  startTimeUnixNano: string;
}

export interface Added {
  added: number;
  duplicates: number;
  evicted: number;
}

/** Orders decimal strings without leading zeros as the numbers they are. */
export const compareNanos = (a: string, b: string) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);

export class SpanStore {
  /** traceId → spanId → span; the map's order is the traces' order of last update. */
  private readonly traces = new Map<string, Map<string, Span>>();
  /** Every kept span's [traceId, spanId], oldest first, from `head` on. */
  private order: [string, string][] = [];
  private head = 0;

  constructor(readonly maxSpans: number) {}

  get spanCount(): number {
    return this.order.length - this.head;
  }

  get traceCount(): number {
    return this.traces.size;
  }

  add(spans: readonly Span[]): Added {
    const r: Added = { added: 0, duplicates: 0, evicted: 0 };
    for (const s of spans) {
      const trace = this.traces.get(s.traceId) ?? new Map<string, Span>();
      if (trace.has(s.spanId)) {
        r.duplicates++;
        continue;
      }
      trace.set(s.spanId, s);
      this.traces.delete(s.traceId); // moved to the end: most recently updated
      this.traces.set(s.traceId, trace);
      this.order.push([s.traceId, s.spanId]);
      r.added++;
      while (this.spanCount > this.maxSpans) {
        this.evictOldest();
        r.evicted++;
      }
    }
    return r;
  }

  private evictOldest(): void {
    const [traceId, spanId] = this.order[this.head++]!;
    const trace = this.traces.get(traceId);
    trace?.delete(spanId);
    if (trace?.size === 0) this.traces.delete(traceId);
    if (this.head > 1024 && this.head * 2 > this.order.length) {
      this.order = this.order.slice(this.head);
      this.head = 0;
    }
  }

  /** A trace's spans by start time (then by the order they came in), or undefined when none is kept. */
  trace(traceId: string): Span[] | undefined {
    const trace = this.traces.get(traceId);
    if (!trace) return undefined;
    return [...trace.values()].sort((a, b) => compareNanos(a.startTimeUnixNano, b.startTimeUnixNano));
  }

  /** The most recently updated traces, newest first; only those with a span of `service` when it is given. */
  recent(limit: number, service?: string): TraceSummary[] {
    const out: TraceSummary[] = [];
    const ids = [...this.traces.keys()];
    for (let i = ids.length - 1; i >= 0 && out.length < limit; i--) {
      const spans = [...this.traces.get(ids[i]!)!.values()];
      const services = [...new Set(spans.map((s) => s.service))].sort();
      if (service !== undefined && !services.includes(service)) continue;
      const start = spans.map((s) => s.startTimeUnixNano).sort(compareNanos)[0]!;
      const root = spans.find((s) => s.parentSpanId === null)?.name ?? null;
      out.push({ traceId: ids[i]!, services, spans: spans.length, root, startTimeUnixNano: start });
    }
    return out;
  }
}
