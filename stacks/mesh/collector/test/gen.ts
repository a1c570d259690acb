// Generators for the collector's property-based tests: valid OTLP/HTTP JSON requests together with the
// spans the collector must give back for them, and near-valid requests whose fields may be anything.
import fc from 'fast-check';
import { type Flat, KINDS, type Span, STATUS_CODES } from '../src/otlp.js';

export const RUNS = { numRuns: 300 };

const HEX = [...'0123456789abcdef'];
/** n lowercase hex digits, not all zero. */
export const hex = (n: number) => fc.string({ unit: fc.constantFrom(...HEX), minLength: n, maxLength: n }).filter((s) => !/^0+$/.test(s));

type Pair<T> = fc.Arbitrary<[unknown, T]>;
const INT64 = { min: -(2n ** 63n), max: 2n ** 63n - 1n };
const flatInt = (n: bigint): Flat =>
  n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString();

/** A scalar AnyValue and its flattened value. */
const scalar: Pair<Flat> = fc.oneof(
  fc.string({ maxLength: 12 }).map((s): [unknown, Flat] => [{ stringValue: s }, s]),
  fc.boolean().map((b): [unknown, Flat] => [{ boolValue: b }, b]),
  fc.bigInt(INT64).map((n): [unknown, Flat] => [{ intValue: n.toString() }, flatInt(n)]),
  fc.integer().map((n): [unknown, Flat] => [{ intValue: n }, n]),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d): [unknown, Flat] => [{ doubleValue: d }, d]),
  fc.base64String({ maxLength: 12 }).map((b): [unknown, Flat] => [{ bytesValue: b }, b]),
  fc.constant<[unknown, Flat]>([{}, null]),
);

/** An AnyValue nested at most `depth` deep, and its flattened value. */
export function anyValue(depth: number): Pair<Flat> {
  if (depth === 0) return scalar;
  const array = fc
    .array(anyValue(depth - 1), { maxLength: 3 })
    .map((xs): [unknown, Flat] => [{ arrayValue: { values: xs.map(([v]) => v) } }, xs.map(([, f]) => f)]);
  const kvlist = keyValues(depth - 1).map(([kv, obj]): [unknown, Flat] => [{ kvlistValue: { values: kv } }, obj]);
  return fc.oneof({ weight: 4, arbitrary: scalar }, { weight: 1, arbitrary: array }, { weight: 1, arbitrary: kvlist });
}

/** KeyValues with distinct keys (__proto__ among the candidates), and the object they flatten to. */
export function keyValues(depth: number): Pair<Record<string, Flat>> {
  const key = fc.oneof(fc.string({ minLength: 1, maxLength: 8 }), fc.constantFrom('__proto__', 'service.name', 'http.status_code'));
  return fc
    .uniqueArray(fc.tuple(key, anyValue(depth)), { maxLength: 4, selector: ([k]) => k })
    .map((kvs): [unknown, Record<string, Flat>] => [
      kvs.map(([key, [value]]) => ({ key, value })),
      Object.fromEntries(kvs.map(([k, [, f]]) => [k, f])),
    ]);
}

/** One valid span of a trace drawn from `traceIds`, as OTLP JSON and as the collector returns it (service set later). */
function span(traceIds: string[]): Pair<Omit<Span, 'service'>> {
  return fc
    .record({
      traceId: fc.constantFrom(...traceIds),
      spanId: hex(16),
      parent: fc.option(hex(16)),
      name: fc.string({ minLength: 1, maxLength: 12 }),
      kind: fc.integer({ min: 0, max: KINDS.length - 1 }),
      start: fc.bigInt({ min: 1n, max: 2n ** 63n }),
      duration: fc.bigInt({ min: 0n, max: 10n ** 12n }),
      timesAsNumbers: fc.boolean(),
      attributes: keyValues(2),
      code: fc.integer({ min: 0, max: STATUS_CODES.length - 1 }),
      message: fc.string({ maxLength: 8 }),
    })
    .map((s): [unknown, Omit<Span, 'service'>] => {
      const start = s.timesAsNumbers ? s.start % (BigInt(Number.MAX_SAFE_INTEGER) / 2n) || 1n : s.start;
      const end = start + s.duration;
      const time = (n: bigint) => (s.timesAsNumbers ? Number(n) : n.toString());
      const otlp = {
        traceId: s.traceId,
        spanId: s.spanId,
        ...(s.parent === null ? {} : { parentSpanId: s.parent }),
        name: s.name,
        kind: s.kind,
        startTimeUnixNano: time(start),
        endTimeUnixNano: time(end),
        attributes: s.attributes[0],
        status: { code: s.code, message: s.message },
      };
      return [
        otlp,
        {
          traceId: s.traceId,
          spanId: s.spanId,
          parentSpanId: s.parent,
          name: s.name,
          kind: KINDS[s.kind]!,
          startTimeUnixNano: start.toString(),
          endTimeUnixNano: end.toString(),
          attributes: s.attributes[1],
          status: { code: STATUS_CODES[s.code]!, message: s.message },
        },
      ];
    });
}

export interface ValidRequest {
  body: unknown;
  /** Every span of the body, in the order it comes, as the collector returns it. */
  spans: Span[];
}

/** A valid ExportTraceServiceRequest: a few resources (services), scopes and spans of a few traces, no span twice. */
export const validRequest: fc.Arbitrary<ValidRequest> = fc.uniqueArray(hex(32), { minLength: 1, maxLength: 3 }).chain((traceIds) =>
  fc
    .array(
      fc.tuple(
        fc.option(fc.constantFrom('frontend', 'backend', 'ledger')),
        fc.array(fc.array(span(traceIds), { maxLength: 4 }), { maxLength: 2 }),
      ),
      { maxLength: 3 },
    )
    .filter((rs) => {
      const keys = rs.flatMap(([, scopes]) => scopes.flat().map(([, s]) => `${s.traceId}/${s.spanId}`));
      return new Set(keys).size === keys.length;
    })
    .map((rs) => ({
      body: {
        resourceSpans: rs.map(([service, scopes]) => ({
          resource: { attributes: service === null ? [] : [{ key: 'service.name', value: { stringValue: service } }] },
          scopeSpans: scopes.map((spans) => ({ scope: { name: 'gen' }, spans: spans.map(([otlp]) => otlp) })),
        })),
      },
      spans: rs.flatMap(([service, scopes]) => scopes.flat().map(([, s]) => ({ ...s, service: service ?? 'unknown_service' }))),
    })),
);

/** Anything JSON, or a near-valid request whose every level may hold anything JSON instead. */
const anything = fc.jsonValue({ maxDepth: 3 });
/** Mostly the valid thing, now and then anything: so that some spans pass and every check is reached. */
const maybe = <T>(a: fc.Arbitrary<T>) => fc.oneof({ weight: 8, arbitrary: a }, { weight: 1, arbitrary: anything });
/** Mostly `good`, sometimes `bad`. */
const mostly = <T, U>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<U>) =>
  fc.oneof({ weight: 4, arbitrary: good }, { weight: 1, arbitrary: bad });
/** A time: mostly small and in order (a start of at most 5, an end of at least 5), else any number or text of digits. */
const time = (text: string, n: number) =>
  mostly(fc.constantFrom(text, n), fc.oneof(fc.bigInt({ min: -1n, max: 2n ** 65n }).map(String), fc.double()));
const looseSpan = fc.record(
  {
    traceId: maybe(hex(32)),
    spanId: maybe(hex(16)),
    parentSpanId: maybe(fc.oneof(hex(16), fc.constant(''))),
    name: maybe(mostly(fc.string({ minLength: 1 }), fc.constant(''))),
    kind: maybe(mostly(fc.integer({ min: 0, max: 5 }), fc.constantFrom(-1, 6, 1.5, 'SPAN_KIND_SERVER', 'span_kind_client', 'SPAN_KIND_'))),
    startTimeUnixNano: maybe(time('1', 5)),
    endTimeUnixNano: maybe(time('5', 9)),
    attributes: maybe(keyValues(2).map(([kv]) => kv)),
    status: maybe(
      fc.record(
        { code: maybe(mostly(fc.integer({ min: 0, max: 2 }), fc.constantFrom(-1, 3))), message: maybe(fc.string()) },
        { requiredKeys: [] },
      ),
    ),
  },
  { requiredKeys: ['traceId', 'spanId', 'name', 'startTimeUnixNano', 'endTimeUnixNano'] },
);
export const nearValidRequest = mostly(
  fc.record(
    {
      resourceSpans: maybe(
        fc.array(
          maybe(
            fc.record(
              {
                resource: maybe(fc.record({ attributes: maybe(keyValues(2).map(([kv]) => kv)) })),
                scopeSpans: maybe(
                  fc.array(maybe(fc.record({ spans: maybe(fc.array(maybe(looseSpan), { maxLength: 4 })) })), { maxLength: 2 }),
                ),
              },
              { requiredKeys: [] },
            ),
          ),
          { maxLength: 2 },
        ),
      ),
    },
    { requiredKeys: [] },
  ),
  anything,
);
