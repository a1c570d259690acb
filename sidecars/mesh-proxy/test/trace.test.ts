// W3C Trace Context: traceparent is untrusted input from any caller. Reading it never throws; a valid one
// is continued and anything else starts a new trace. A hop's span continues the caller's trace with the
// caller's span as its parent, and names itself in the traceparent it sends on.
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CLIENT, formatTraceparent, nowNs, parseTraceparent, SERVER, spanTraceparent, startSpan, traceparentOf } from '../src/trace.js';

const test = suite('traceparent');

const hex = (n: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${n}}$`));
const traceId = hex(32).filter((s) => !/^0+$/.test(s));
const spanId = hex(16).filter((s) => !/^0+$/.test(s));
const T = '4bf92f3577b34da6a3ce929d0e0e4736';
const S = '00f067aa0ba902b7';

test('any text, or none, is read without throwing: a context or undefined', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.stringMatching(/^[0-9a-fA-F-]{0,70}$/)), (raw) => {
      const ctx = parseTraceparent(raw);
      if (ctx) {
        assert.match(ctx.traceId, /^[0-9a-f]{32}$/);
        assert.match(ctx.parentId!, /^[0-9a-f]{16}$/);
      }
    }),
    { numRuns: 3000 },
  );
  assert.is(parseTraceparent(undefined), undefined);
});

test('what formatTraceparent writes for valid ids reads back as the same trace, parent and sampled flag', () => {
  fc.assert(
    fc.property(traceId, spanId, fc.boolean(), (t, s, sampled) => {
      assert.equal(parseTraceparent(formatTraceparent(t, s, sampled)), { traceId: t, parentId: s, sampled });
    }),
  );
});

test('only bit 0 of the flags is sampled; the other bits are ignored', () => {
  assert.is(parseTraceparent(`00-${T}-${S}-03`)?.sampled, true);
  assert.is(parseTraceparent(`00-${T}-${S}-02`)?.sampled, false);
  assert.is(parseTraceparent(`00-${T}-${S}-ff`)?.sampled, true);
});

test('all-zero ids, version ff, upper-case hex and fields of the wrong length are not a traceparent', () => {
  const bad = [
    `00-${'0'.repeat(32)}-${S}-01`,
    `00-${T}-${'0'.repeat(16)}-01`,
    `ff-${T}-${S}-01`,
    `00-${T.toUpperCase()}-${S}-01`,
    `00-${T}-${S.toUpperCase()}-01`,
    `0A-${T}-${S}-01`,
    `00-${T}-${S}-0F`,
    `00-${T.slice(1)}-${S}-01`,
    `00-${T}0-${S}-01`,
    `00-${T}-${S.slice(1)}-01`,
    `00-${T}-${S}0-01`,
    `00-${T}-${S}-1`,
    `00-${T}-${S}-001`,
    `0-${T}-${S}-01`,
    `000-${T}-${S}-01`,
    `zz-${T}-${S}-01`,
    `00-${T}-${S}`,
    `00_${T}_${S}_01`,
    `00-${T.slice(0, 31)}g-${S}-01`,
    '',
  ];
  for (const v of bad) assert.is(parseTraceparent(v), undefined, v);
});

test('version 00 has exactly four fields; a later version may add fields after a dash', () => {
  assert.is(parseTraceparent(`00-${T}-${S}-01-extra`), undefined);
  assert.is(parseTraceparent(`00-${T}-${S}-01-`), undefined);
  assert.equal(parseTraceparent(`01-${T}-${S}-01-what-the-future-holds`), { traceId: T, parentId: S, sampled: true });
  assert.equal(parseTraceparent(`cc-${T}-${S}-00`), { traceId: T, parentId: S, sampled: false });
  assert.is(parseTraceparent(`01-${T}-${S}-01x`), undefined, 'the flags are two hex digits, in any version');
});

test('surrounding whitespace is allowed, as an HTTP field value may carry it', () => {
  assert.equal(parseTraceparent(` 00-${T}-${S}-01\t`), { traceId: T, parentId: S, sampled: true });
});

test('a span from a valid traceparent continues its trace, with the caller span as parent and its sampled flag', () => {
  const span = startSpan(`00-${T}-${S}-00`, 'GET backend', CLIENT);
  assert.is(span.traceId, T);
  assert.is(span.parentSpanId, S);
  assert.is(span.sampled, false);
  assert.is(span.kind, CLIENT);
  assert.match(span.spanId, /^[0-9a-f]{16}$/);
  assert.is.not(span.spanId, S);
  assert.is(spanTraceparent(span), `00-${T}-${span.spanId}-00`);
});

test('a span without a valid traceparent starts a new sampled trace with no parent', () => {
  for (const incoming of [undefined, 'garbage', `00-${'0'.repeat(32)}-${S}-01`]) {
    const span = startSpan(incoming, 'GET backend', SERVER);
    assert.match(span.traceId, /^[0-9a-f]{32}$/);
    assert.is.not(span.traceId, '0'.repeat(32));
    assert.is(span.parentSpanId, undefined);
    assert.is(span.sampled, true);
    assert.equal(parseTraceparent(spanTraceparent(span)), { traceId: span.traceId, parentId: span.spanId, sampled: true });
  }
});

test('two new spans get distinct trace and span ids, and a start time of now in nanoseconds', () => {
  // Date.now() has whole milliseconds: a reading of the span clock may be up to 1 ms under it.
  const before = BigInt(Date.now() - 1) * 1_000_000n;
  const a = startSpan(undefined, 'a', SERVER);
  const b = startSpan(undefined, 'b', SERVER);
  assert.is.not(a.traceId, b.traceId);
  assert.is.not(a.spanId, b.spanId);
  assert.ok(a.startNs >= before && a.startNs < before + 5_000_000_000n, String(a.startNs));
});

test('span times never go backwards: each reading of the clock is at least the one before', () => {
  let last = nowNs();
  for (let i = 0; i < 200_000; i++) {
    const t = nowNs();
    if (t < last) assert.unreachable(`the clock went back ${last - t} ns after ${i} readings`);
    last = t;
  }
});

test('the first traceparent header is the one read, whatever its case; a second one is ignored', () => {
  assert.is(traceparentOf(['Host', 'x', 'TraceParent', 'first', 'traceparent', 'second']), 'first');
  assert.is(traceparentOf(['Host', 'x']), undefined);
});

test.run();
