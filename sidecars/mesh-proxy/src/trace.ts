// W3C Trace Context (https://www.w3.org/TR/trace-context/): the traceparent header a request carries,
// continued on every hop with a new span id, or started when it is missing or malformed; and the spans
// each hop records, in the shape OTLP wants (exporter.ts sends them).
import { randomFillSync } from 'node:crypto';

export interface TraceContext {
  traceId: string;
  /** The caller's span: the parent of ours (undefined when we start the trace). */
  parentId: string | undefined;
  sampled: boolean;
}

const HEX = /^[0-9a-f]+$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

/** The context in a traceparent value, or undefined if it is not one (then a new trace starts). */
export function parseTraceparent(v: string | undefined): TraceContext | undefined {
  if (v === undefined) return undefined;
  const s = v.trim();
  const parts = s.split('-');
  if (parts.length < 4) return undefined;
  const [version, traceId, parentId, flags] = parts as [string, string, string, string];
  if (version.length !== 2 || !HEX.test(version) || version === 'ff') return undefined;
  // Version 00 has exactly four fields; a later version may add fields after them.
  if (version === '00' ? parts.length !== 4 : s.length > 55 && s[55] !== '-') return undefined;
  if (traceId.length !== 32 || !HEX.test(traceId) || traceId === ZERO_TRACE) return undefined;
  if (parentId.length !== 16 || !HEX.test(parentId) || parentId === ZERO_SPAN) return undefined;
  if (flags.length !== 2 || !HEX.test(flags)) return undefined;
  return { traceId, parentId, sampled: (Number.parseInt(flags, 16) & 1) === 1 };
}

// Ids come from a pool of random bytes, refilled 4 KiB at a time: one call into the CSPRNG per 256 spans.
const pool = Buffer.alloc(4096);
let used = pool.length;
function randomHex(bytes: number): string {
  if (used + bytes > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  used += bytes;
  return pool.toString('hex', used - bytes, used);
}

export const newSpanId = () => randomHex(8);
export const newTraceId = () => randomHex(16);

export function formatTraceparent(traceId: string, spanId: string, sampled: boolean): string {
  return `00-${traceId}-${spanId}-${sampled ? '01' : '00'}`;
}

export const SERVER = 2;
export const CLIENT = 3;

export interface Span {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  kind: typeof SERVER | typeof CLIENT;
  startNs: bigint;
  endNs: bigint;
  attributes: Record<string, string | number>;
  error: boolean;
  /** The caller's sampled flag (a new trace is sampled): an unsampled span is not exported. */
  sampled: boolean;
}

/** The first traceparent in a raw header list (a second one is ignored, as the spec allows). */
export function traceparentOf(rawHeaders: readonly string[]): string | undefined {
  for (let i = 0; i < rawHeaders.length; i += 2) if (rawHeaders[i]!.toLowerCase() === 'traceparent') return rawHeaders[i + 1];
  return undefined;
}

/** The wall clock at the monotonic clock's zero: span times are wall-clock, and never go backwards. */
const ORIGIN_NS = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();

/** Wall-clock nanoseconds, for span times. */
export function nowNs(): bigint {
  return ORIGIN_NS + process.hrtime.bigint();
}

/** One hop's span, started now from the incoming traceparent (or a new trace). */
export function startSpan(incoming: string | undefined, name: string, kind: Span['kind']): Span {
  const ctx = parseTraceparent(incoming);
  return {
    traceId: ctx?.traceId ?? newTraceId(),
    spanId: newSpanId(),
    parentSpanId: ctx?.parentId,
    name,
    kind,
    startNs: nowNs(),
    endNs: 0n,
    attributes: {},
    error: false,
    sampled: ctx?.sampled ?? true,
  };
}

/** The traceparent the next hop gets: our span as its parent. */
export const spanTraceparent = (s: Span) => formatTraceparent(s.traceId, s.spanId, s.sampled);

/** Ends a hop's span with what every span says (method, path, status; an error for a 5xx or a cut) and its own attributes. */
export function endSpan(
  span: Span,
  req: { method: string; path: string },
  status: number,
  attributes: Record<string, string | number>,
): Span {
  span.endNs = nowNs();
  span.attributes['http.method'] = req.method;
  span.attributes['url.path'] = req.path.split('?')[0]!;
  span.attributes['http.status_code'] = status;
  Object.assign(span.attributes, attributes);
  span.error = status === 0 || status >= 500;
  return span;
}
