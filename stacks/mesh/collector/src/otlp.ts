// OTLP/HTTP traces in the JSON encoding (an ExportTraceServiceRequest of opentelemetry-proto), read
// strictly. A request whose structure is wrong (not an object, a list that is not an array, a resource
// attribute that is no KeyValue) is refused whole: OtlpError, a 400. A span whose own fields are wrong
// is rejected alone and counted, as OTLP's partialSuccess reports it. Unknown fields are ignored, as
// protobuf's JSON mapping asks. Ids are hex (case-insensitive, kept lowercase), times are fixed64
// nanoseconds (a decimal string or a number), attribute values are AnyValues, flattened to plain JSON.

/** The request cannot be read as an ExportTraceServiceRequest: the message names the path. */
export class OtlpError extends Error {}
/** One span is invalid: caught per span, never thrown out of parseExport. */
class Invalid extends Error {}

export type Flat = null | string | number | boolean | Flat[] | { [key: string]: Flat };
export const KINDS = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'] as const;
export type Kind = (typeof KINDS)[number];
export const STATUS_CODES = ['unset', 'ok', 'error'] as const;

export interface Span {
  traceId: string;
  spanId: string;
  /** null for a root span. */
  parentSpanId: string | null;
  name: string;
  kind: Kind;
  /** The resource's service.name, or unknown_service when it has none (as OpenTelemetry's SDKs say). */
  service: string;
  /** Decimal nanoseconds since the epoch, without leading zeros. */
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Record<string, Flat>;
  status: { code: (typeof STATUS_CODES)[number]; message: string };
}

export interface Parsed {
  spans: Span[];
  rejected: number;
  /** The first rejected span's problem. */
  errorMessage?: string;
}

/** How deep arrayValue and kvlistValue may nest. */
export const MAX_DEPTH = 8;
const MAX_U64 = 2n ** 64n - 1n;
const INT64 = [-(2n ** 63n), 2n ** 63n - 1n] as const;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** protobuf's JSON mapping: null is the field's default. */
const absent = (v: unknown) => v === undefined || v === null;

/** A repeated field: absent is empty; anything but an array is `fail`ed. */
function repeated(v: unknown, path: string, fail: new (m: string) => Error): unknown[] {
  if (absent(v)) return [];
  if (!Array.isArray(v)) throw new fail(`${path}: not an array`);
  return v;
}

/** A trace id (32 hex digits) or span id (16), not all zero, in lowercase; undefined when it is not one. */
export function hexId(v: unknown, digits: 32 | 16): string | undefined {
  if (typeof v !== 'string' || v.length !== digits || !/^[0-9a-fA-F]+$/.test(v) || /^0+$/.test(v)) return undefined;
  return v.toLowerCase();
}

function id(v: unknown, digits: 32 | 16, path: string): string {
  const out = hexId(v, digits);
  if (out === undefined) throw new Invalid(`${path}: not ${digits} hex digits, not all zero`);
  return out;
}

function nanos(v: unknown, path: string): bigint {
  let n: bigint | undefined;
  if (typeof v === 'string' && /^\d{1,20}$/.test(v)) n = BigInt(v);
  else if (typeof v === 'number' && Number.isInteger(v) && v >= 0) n = BigInt(v);
  if (n === undefined || n > MAX_U64) throw new Invalid(`${path}: not a fixed64 of nanoseconds (a decimal string or a number)`);
  return n;
}

/** An enum field: its number, or its name with the enum's prefix. */
function enumValue<T extends string>(v: unknown, names: readonly T[], prefix: string, path: string): T {
  if (absent(v)) return names[0]!;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < names.length) return names[v]!;
  if (typeof v === 'string' && v.startsWith(prefix)) {
    const name = v.slice(prefix.length).toLowerCase() as T;
    if (v === v.toUpperCase() && names.includes(name)) return name;
  }
  throw new Invalid(`${path}: not a ${prefix}* value (0 to ${names.length - 1})`);
}

function int64(v: unknown, path: string): number | string {
  let n: bigint | undefined;
  if (typeof v === 'string' && /^-?\d{1,19}$/.test(v)) n = BigInt(v);
  else if (typeof v === 'number' && Number.isSafeInteger(v)) n = BigInt(v);
  if (n === undefined || n < INT64[0] || n > INT64[1]) throw new Invalid(`${path}: not an int64`);
  return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString();
}

const VALUE_KINDS = ['stringValue', 'boolValue', 'intValue', 'doubleValue', 'arrayValue', 'kvlistValue', 'bytesValue'];

/** An AnyValue as plain JSON: a large int64 stays a string, bytes stay base64, an empty AnyValue is null. */
function anyValue(v: unknown, path: string, depth: number): Flat {
  if (!isObject(v)) throw new Invalid(`${path}: not an AnyValue object`);
  const set = VALUE_KINDS.filter((k) => !absent(v[k]));
  if (set.length > 1) throw new Invalid(`${path}: more than one of ${set.join(', ')}`);
  if (set.length === 0) return null;
  const kind = set[0]!;
  const x = v[kind];
  const at = `${path}.${kind}`;
  if (kind === 'stringValue' && typeof x === 'string') return x;
  if (kind === 'boolValue' && typeof x === 'boolean') return x;
  if (kind === 'intValue') return int64(x, at);
  if (kind === 'doubleValue' && (typeof x === 'number' || x === 'NaN' || x === 'Infinity' || x === '-Infinity')) return x;
  if (kind === 'bytesValue' && typeof x === 'string' && /^[A-Za-z0-9+/_-]*={0,2}$/.test(x)) return x;
  if ((kind === 'arrayValue' || kind === 'kvlistValue') && isObject(x)) {
    if (depth >= MAX_DEPTH) throw new Invalid(`${at}: nested deeper than ${MAX_DEPTH}`);
    if (kind === 'kvlistValue') return keyValues(x.values, `${at}.values`, depth + 1);
    return repeated(x.values, `${at}.values`, Invalid).map((e, i) => anyValue(e, `${at}.values[${i}]`, depth + 1));
  }
  throw new Invalid(`${at}: not a valid ${kind}`);
}

/** KeyValues as an object (a repeated key: the last one counts). fromEntries makes even __proto__ an own key. */
function keyValues(v: unknown, path: string, depth = 0): Record<string, Flat> {
  const entries = repeated(v, path, Invalid).map((kv, i): [string, Flat] => {
    if (!isObject(kv) || typeof kv.key !== 'string' || kv.key === '') throw new Invalid(`${path}[${i}]: not a KeyValue with a key`);
    return [kv.key, absent(kv.value) ? null : anyValue(kv.value, `${path}[${i}].value`, depth)];
  });
  return Object.fromEntries(entries);
}

function span(s: unknown, path: string, service: string): Span {
  if (!isObject(s)) throw new Invalid(`${path}: not an object`);
  if (typeof s.name !== 'string' || s.name === '') throw new Invalid(`${path}.name: not a non-empty string`);
  const start = nanos(s.startTimeUnixNano, `${path}.startTimeUnixNano`);
  const end = nanos(s.endTimeUnixNano, `${path}.endTimeUnixNano`);
  if (start === 0n) throw new Invalid(`${path}.startTimeUnixNano: zero`);
  if (end < start) throw new Invalid(`${path}.endTimeUnixNano: before startTimeUnixNano`);
  const status = absent(s.status) ? {} : s.status;
  if (!isObject(status)) throw new Invalid(`${path}.status: not an object`);
  if (!absent(status.message) && typeof status.message !== 'string') throw new Invalid(`${path}.status.message: not a string`);
  return {
    traceId: id(s.traceId, 32, `${path}.traceId`),
    spanId: id(s.spanId, 16, `${path}.spanId`),
    parentSpanId: absent(s.parentSpanId) || s.parentSpanId === '' ? null : id(s.parentSpanId, 16, `${path}.parentSpanId`),
    name: s.name,
    kind: enumValue(s.kind, KINDS, 'SPAN_KIND_', `${path}.kind`),
    service,
    startTimeUnixNano: start.toString(),
    endTimeUnixNano: end.toString(),
    attributes: keyValues(s.attributes, `${path}.attributes`),
    status: {
      code: enumValue(status.code, STATUS_CODES, 'STATUS_CODE_', `${path}.status.code`),
      message: (status.message as string | undefined) ?? '',
    },
  };
}

/** Reads a parsed JSON body. Throws only OtlpError (the whole request is refused); invalid spans are counted. */
export function parseExport(body: unknown): Parsed {
  if (!isObject(body)) throw new OtlpError('the body is not a JSON object (an ExportTraceServiceRequest)');
  const out: Parsed = { spans: [], rejected: 0 };
  repeated(body.resourceSpans, 'resourceSpans', OtlpError).forEach((rs, i) => {
    const path = `resourceSpans[${i}]`;
    if (!isObject(rs)) throw new OtlpError(`${path}: not an object`);
    if (!absent(rs.resource) && !isObject(rs.resource)) throw new OtlpError(`${path}.resource: not an object`);
    let resource: Record<string, Flat>;
    try {
      resource = keyValues((rs.resource as Record<string, unknown> | null)?.attributes, `${path}.resource.attributes`);
    } catch (e) {
      throw e instanceof Invalid ? new OtlpError(e.message) : e;
    }
    const name = resource['service.name'];
    const service = typeof name === 'string' && name !== '' ? name : 'unknown_service';
    repeated(rs.scopeSpans, `${path}.scopeSpans`, OtlpError).forEach((ss, j) => {
      if (!isObject(ss)) throw new OtlpError(`${path}.scopeSpans[${j}]: not an object`);
      repeated(ss.spans, `${path}.scopeSpans[${j}].spans`, OtlpError).forEach((s, k) => {
        try {
          out.spans.push(span(s, `${path}.scopeSpans[${j}].spans[${k}]`, service));
        } catch (e) {
          if (!(e instanceof Invalid)) throw e;
          out.rejected++;
          out.errorMessage ??= e.message;
        }
      });
    });
  });
  return out;
}
