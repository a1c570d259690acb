// The span store: the oldest spans go first, a span received twice is kept once, traces are listed newest first.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Span } from '../src/otlp.js';
import { compareNanos, SpanStore } from '../src/store.js';

const test = suite('span store');

const traceId = (n: number) => n.toString(16).padStart(32, '0');
const spanId = (n: number) => n.toString(16).padStart(16, '0');
const span = (t: number, s: number, o: Partial<Span> = {}): Span => ({
  traceId: traceId(t),
  spanId: spanId(s),
  parentSpanId: null,
  name: `span ${s}`,
  kind: 'server',
  service: 'frontend',
  startTimeUnixNano: String(1000 + s),
  endTimeUnixNano: String(2000 + s),
  attributes: {},
  status: { code: 'unset', message: '' },
  ...o,
});

test('decimal nanoseconds order as numbers', () => {
  assert.equal(['10', '9', '100', '11'].sort(compareNanos), ['9', '10', '11', '100']);
});

test('past maxSpans the oldest received spans are dropped first, and a trace with none left is gone', () => {
  const store = new SpanStore(3);
  assert.equal(store.add([span(1, 1), span(2, 2), span(1, 3)]), { added: 3, duplicates: 0, evicted: 0 });
  assert.equal(store.add([span(3, 4), span(3, 5)]), { added: 2, duplicates: 0, evicted: 2 });
  assert.is(store.trace(traceId(2)), undefined, 'trace 2 had only the second-oldest span');
  assert.equal(
    store.trace(traceId(1))!.map((s) => s.spanId),
    [spanId(3)],
  );
  assert.equal([store.spanCount, store.traceCount], [3, 2]);
  // Far more than one compaction of the eviction queue: the count stays exact.
  for (let i = 10; i < 5000; i++) store.add([span(i, i)]);
  assert.equal([store.spanCount, store.traceCount], [3, 3]);
  assert.equal(
    store.recent(10).map((t) => t.traceId),
    [traceId(4999), traceId(4998), traceId(4997)],
  );
});

test('a span received again is kept once; spans come back by start time', () => {
  const store = new SpanStore(10);
  store.add([span(1, 2, { startTimeUnixNano: '20' }), span(1, 1, { startTimeUnixNano: '100' })]);
  assert.equal(store.add([span(1, 2, { name: 'again' })]), { added: 0, duplicates: 1, evicted: 0 });
  assert.equal(
    store.trace(traceId(1))!.map((s) => [s.spanId, s.name]),
    [
      [spanId(2), 'span 2'],
      [spanId(1), 'span 1'],
    ],
  );
});

test('recent traces: the most recently updated first, filtered by service, with their root and services', () => {
  const store = new SpanStore(10);
  store.add([span(1, 1), span(2, 2, { service: 'backend' })]);
  store.add([span(1, 3, { service: 'ledger', parentSpanId: spanId(1), startTimeUnixNano: '5' })]);
  assert.equal(store.recent(5), [
    { traceId: traceId(1), services: ['frontend', 'ledger'], spans: 2, root: 'span 1', startTimeUnixNano: '5' },
    { traceId: traceId(2), services: ['backend'], spans: 1, root: 'span 2', startTimeUnixNano: '1002' },
  ]);
  assert.equal(
    store.recent(5, 'backend').map((t) => t.traceId),
    [traceId(2)],
  );
  assert.equal(store.recent(1).length, 1);
  assert.equal(store.recent(5, 'nobody'), []);
});

test.run();
