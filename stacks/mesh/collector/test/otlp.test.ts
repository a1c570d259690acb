// The OTLP/HTTP JSON parser: properties over arbitrary and generated requests, then the rules one by one.
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { thrownMessage } from '../../../../sidecars/lib/test-support/basics.js';
import { KINDS, MAX_DEPTH, OtlpError, parseExport, STATUS_CODES, type Span } from '../src/otlp.js';
import { compareNanos, SpanStore } from '../src/store.js';
import { nearValidRequest, RUNS, validRequest } from './gen.js';

const test = suite('OTLP/HTTP JSON parser');

/** A parse that may only throw OtlpError: undefined then. */
function tryParse(body: unknown) {
  try {
    return parseExport(body);
  } catch (e) {
    if (e instanceof OtlpError) return undefined;
    throw e;
  }
}

/** What every span the parser returns looks like, whatever it was given. */
function assertWellFormed(s: Span) {
  assert.match(s.traceId, /^(?!0{32})[0-9a-f]{32}$/);
  assert.match(s.spanId, /^(?!0{16})[0-9a-f]{16}$/);
  assert.ok(s.parentSpanId === null || /^(?!0{16})[0-9a-f]{16}$/.test(s.parentSpanId));
  assert.ok(typeof s.name === 'string' && s.name !== '');
  assert.ok(KINDS.includes(s.kind) && STATUS_CODES.includes(s.status.code));
  assert.match(s.startTimeUnixNano, /^[1-9]\d*$/);
  assert.match(s.endTimeUnixNano, /^(0|[1-9]\d*)$/);
  assert.ok(compareNanos(s.startTimeUnixNano, s.endTimeUnixNano) <= 0, 'end not before start');
  JSON.stringify(s); // plain JSON: no BigInt, no cycle
}

test('any JSON value, or a near-valid request, is read or refused with an OtlpError, never another exception', () => {
  fc.assert(
    fc.property(nearValidRequest, (body) => {
      const parsed = tryParse(body);
      if (parsed) parsed.spans.forEach(assertWellFormed);
      if (parsed?.rejected) assert.type(parsed.errorMessage, 'string');
    }),
    { numRuns: 2000 },
  );
});

test('a valid request is read whole, and each trace comes back from the store as sent, by start time', () => {
  fc.assert(
    fc.property(validRequest, ({ body, spans }) => {
      const parsed = parseExport(JSON.parse(JSON.stringify(body)));
      assert.is(parsed.rejected, 0, parsed.errorMessage);
      assert.equal(parsed.spans, JSON.parse(JSON.stringify(spans)));
      const store = new SpanStore(1000);
      assert.equal(store.add(parsed.spans), { added: spans.length, duplicates: 0, evicted: 0 });
      for (const traceId of new Set(spans.map((s) => s.traceId))) {
        const want = spans.filter((s) => s.traceId === traceId).sort((a, b) => compareNanos(a.startTimeUnixNano, b.startTimeUnixNano));
        assert.equal(JSON.parse(JSON.stringify(store.trace(traceId))), JSON.parse(JSON.stringify(want)));
      }
    }),
    RUNS,
  );
});

const ID = '5b8efff798038103d269b633813fc60c';
const SPAN_ID = 'eee19b7ec3c1b174';
const base = {
  traceId: ID,
  spanId: SPAN_ID,
  name: 'GET /',
  kind: 2,
  startTimeUnixNano: '1700000000000000000',
  endTimeUnixNano: '1700000000001000000',
};
const request = (...spans: unknown[]) => ({
  resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'frontend' } }] }, scopeSpans: [{ spans }] }],
});
const one = (span: Record<string, unknown>) => parseExport(request({ ...base, ...span }));
const rejectedFor = (span: Record<string, unknown>) => {
  const p = one(span);
  assert.is(p.rejected, 1, `rejected: ${JSON.stringify(span)}`);
  return p.errorMessage!;
};

test('a request without spans is valid; a wrong structure is refused whole, naming where', () => {
  assert.equal(parseExport({}), { spans: [], rejected: 0 });
  assert.equal(parseExport({ resourceSpans: null }), { spans: [], rejected: 0 });
  for (const [body, where] of [
    [[], 'the body is not a JSON object'],
    [{ resourceSpans: {} }, 'resourceSpans: not an array'],
    [{ resourceSpans: [1] }, 'resourceSpans[0]: not an object'],
    [{ resourceSpans: [{ scopeSpans: 'x' }] }, 'resourceSpans[0].scopeSpans: not an array'],
    [{ resourceSpans: [{ scopeSpans: [{ spans: {} }] }] }, 'resourceSpans[0].scopeSpans[0].spans: not an array'],
    [{ resourceSpans: [{ resource: { attributes: [{ key: 1 }] } }] }, 'resourceSpans[0].resource.attributes[0]: not a KeyValue'],
  ] as const) {
    assert.match(
      thrownMessage(OtlpError, () => parseExport(body)),
      where,
    );
  }
});

test('ids are hex of their length and not all zero; upper case is read as lower case', () => {
  assert.is(one({ traceId: ID.toUpperCase() }).spans[0]!.traceId, ID);
  assert.match(rejectedFor({ traceId: '0'.repeat(32) }), 'spans[0].traceId: not 32 hex digits');
  assert.match(rejectedFor({ traceId: ID.slice(1) }), 'traceId');
  assert.match(rejectedFor({ spanId: 'xyz19b7ec3c1b174' }), 'spans[0].spanId');
  assert.match(rejectedFor({ parentSpanId: '0000000000000000' }), 'parentSpanId');
  assert.is(one({ parentSpanId: '' }).spans[0]!.parentSpanId, null);
  assert.is(one({ parentSpanId: SPAN_ID.toUpperCase() }).spans[0]!.parentSpanId, SPAN_ID);
});

test('times are fixed64 nanoseconds, as strings or numbers; the start is set and the end not before it', () => {
  assert.is(one({ startTimeUnixNano: 1700000000, endTimeUnixNano: '01700000001' }).spans[0]!.endTimeUnixNano, '1700000001');
  for (const bad of [{ startTimeUnixNano: '-1' }, { startTimeUnixNano: '1.5' }, { startTimeUnixNano: 0 }, { endTimeUnixNano: '1' }])
    rejectedFor(bad);
  assert.match(rejectedFor({ endTimeUnixNano: (2n ** 64n).toString() }), 'not a fixed64');
});

test('kind and status code are numbers or their enum names; the status message is a string', () => {
  assert.is(one({ kind: 'SPAN_KIND_CLIENT' }).spans[0]!.kind, 'client');
  assert.is(one({ kind: undefined }).spans[0]!.kind, 'unspecified');
  assert.equal(one({ status: { code: 'STATUS_CODE_ERROR', message: 'boom' } }).spans[0]!.status, { code: 'error', message: 'boom' });
  for (const bad of [
    { kind: 6 },
    { kind: 'span_kind_client' },
    { kind: 1.5 },
    { status: { code: 3 } },
    { status: { message: 1 } },
    { status: [] },
  ]) {
    rejectedFor(bad);
  }
});

test('attributes flatten to plain JSON: int64 past 2^53 stays a string, __proto__ is an own key, nesting is bounded', () => {
  const kv = (key: string, value: unknown) => ({ key, value });
  const s = one({
    attributes: [
      kv('n', { intValue: '9007199254740993' }),
      kv('m', { intValue: '42' }),
      kv('__proto__', { stringValue: 'x' }),
      kv('list', { arrayValue: { values: [{ boolValue: true }, {}] } }),
      kv('map', { kvlistValue: { values: [kv('d', { doubleValue: 1.5 })] } }),
      kv('unset', null),
    ],
  }).spans[0]!;
  assert.equal(JSON.parse(JSON.stringify(s.attributes)), {
    n: '9007199254740993',
    m: 42,
    ['__proto__']: 'x',
    list: [true, null],
    map: { d: 1.5 },
    unset: null,
  });
  assert.is(Object.getPrototypeOf(s.attributes), Object.prototype);
  let deep: unknown = { stringValue: 'bottom' };
  for (let i = 0; i <= MAX_DEPTH; i++) deep = { arrayValue: { values: [deep] } };
  assert.match(rejectedFor({ attributes: [kv('deep', deep)] }), `nested deeper than ${MAX_DEPTH}`);
  for (const value of [{ stringValue: 1 }, { stringValue: 'a', boolValue: true }, { intValue: '1e3' }, { bytesValue: '*' }]) {
    rejectedFor({ attributes: [kv('a', value)] });
  }
  rejectedFor({ attributes: [kv('', { stringValue: 'a' })] });
});

test('one invalid span is rejected alone: the others are kept, the first problem is reported', () => {
  const p = parseExport(request(base, { ...base, spanId: 'bad' }, { ...base, spanId: 'aaaaaaaaaaaaaaaa', name: '' }));
  assert.is(p.spans.length, 1);
  assert.is(p.rejected, 2);
  assert.match(p.errorMessage!, 'resourceSpans[0].scopeSpans[0].spans[1].spanId');
  assert.is(p.spans[0]!.service, 'frontend');
  assert.is(parseExport({ resourceSpans: [{ scopeSpans: [{ spans: [base] }] }] }).spans[0]!.service, 'unknown_service');
});

test.run();
