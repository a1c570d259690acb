import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Counter, Gauge, Histogram, parseMetrics, Registry } from '../metrics.js';

const test = suite('metrics');

test('a counter renders HELP, TYPE and one line per label set, in first-seen order', () => {
  const c = new Counter('demo_requests_total', 'Requests handled.');
  c.inc({ code: '2xx' });
  c.inc({ code: '5xx' }, 3);
  c.inc({ code: '2xx' });
  assert.equal(c.render(), [
    '# HELP demo_requests_total Requests handled.',
    '# TYPE demo_requests_total counter',
    'demo_requests_total{code="2xx"} 2',
    'demo_requests_total{code="5xx"} 3',
  ]);
});

test('a counter without labels renders a bare sample, and an untouched one only its HELP and TYPE', () => {
  const c = new Counter('demo_total', 'h');
  assert.equal(c.render(), ['# HELP demo_total h', '# TYPE demo_total counter']);
  c.inc();
  assert.equal(c.render().slice(2), ['demo_total 1']);
  assert.is(c.get(), 1);
});

test('a series handle increments the same series as inc() with those labels', () => {
  const c = new Counter('demo_total', 'h');
  const ok = c.series({ code: '2xx' });
  ok.inc();
  c.inc({ code: '2xx' });
  ok.inc(3);
  assert.is(c.get({ code: '2xx' }), 5);
  assert.equal(c.render().slice(2), ['demo_total{code="2xx"} 5']);
});

test('label order does not create a second series', () => {
  const c = new Counter('demo_total', 'h');
  c.inc({ a: '1', b: '2' });
  c.inc({ b: '2', a: '1' });
  assert.is(c.get({ b: '2', a: '1' }), 2);
  assert.is(c.render().length, 3);
});

test('label values escape backslash, double quote and newline', () => {
  const c = new Counter('demo_total', 'h');
  c.inc({ path: 'C:\\dir "x"\nnext' });
  assert.is(c.render()[2], 'demo_total{path="C:\\\\dir \\"x\\"\\nnext"} 1');
});

test('a gauge can be set, raised, lowered and reset', () => {
  const g = new Gauge('demo_open', 'Open now.');
  g.set(5);
  g.inc();
  g.dec({}, 3);
  assert.is(g.get(), 3);
  assert.equal(g.render(), ['# HELP demo_open Open now.', '# TYPE demo_open gauge', 'demo_open 3']);
  g.set(1, { serial: 'A' });
  g.reset();
  g.set(1, { serial: 'B' });
  assert.equal(g.render().slice(2), ['demo_open{serial="B"} 1']);
});

test('histogram buckets are cumulative, include values equal to the bound, and +Inf equals the count', () => {
  const h = new Histogram('demo_seconds', 'Latency.', [0.1, 1, 10]);
  for (const v of [0.05, 0.1, 0.5, 5, 50]) h.observe(v);
  assert.equal(h.render(), [
    '# HELP demo_seconds Latency.',
    '# TYPE demo_seconds histogram',
    'demo_seconds_bucket{le="0.1"} 2',
    'demo_seconds_bucket{le="1"} 3',
    'demo_seconds_bucket{le="10"} 4',
    'demo_seconds_bucket{le="+Inf"} 5',
    'demo_seconds_sum 55.65',
    'demo_seconds_count 5',
  ]);
});

test('a labelled histogram renders a series per label set, each from its first value or handle on, with le last', () => {
  const h = new Histogram('demo_seconds', 'Latency.', [0.1, 1], ['destination']);
  assert.equal(h.render(), ['# HELP demo_seconds Latency.', '# TYPE demo_seconds histogram'], 'no series before a value or a handle');
  const ledger = h.series({ destination: 'ledger' });
  h.observe(0.05, { destination: 'backend' });
  h.observe(2, { destination: 'backend' });
  ledger.observe(0.5);
  assert.equal(h.render().slice(2), [
    'demo_seconds_bucket{destination="ledger",le="0.1"} 0',
    'demo_seconds_bucket{destination="ledger",le="1"} 1',
    'demo_seconds_bucket{destination="ledger",le="+Inf"} 1',
    'demo_seconds_sum{destination="ledger"} 0.5',
    'demo_seconds_count{destination="ledger"} 1',
    'demo_seconds_bucket{destination="backend",le="0.1"} 1',
    'demo_seconds_bucket{destination="backend",le="1"} 1',
    'demo_seconds_bucket{destination="backend",le="+Inf"} 2',
    'demo_seconds_sum{destination="backend"} 2.05',
    'demo_seconds_count{destination="backend"} 2',
  ]);
  assert.equal(h.definition.labels, ['destination', 'le']);
});

test('a registry prefixes its metric names, not the process_ ones, and ends the text with a newline', () => {
  const r = new Registry('demo');
  r.counter('hits_total', 'Hits.').inc({}, 2);
  const text = r.render();
  assert.ok(text.endsWith('\n'));
  assert.ok(text.includes('# TYPE demo_hits_total counter\ndemo_hits_total 2\n'));
  const values = parseMetrics(text);
  assert.ok(Math.abs(values.get('process_start_time_seconds')! - Date.now() / 1000) < 60);
  assert.ok(values.get('process_resident_memory_bytes')! > 1_000_000, 'rss is collected at render time');
  assert.not.ok(text.includes('demo_process_'));
});

test('a gauge collector runs on every render', () => {
  const r = new Registry('demo');
  let n = 0;
  r.gauge('renders', 'How often rendered.', {
    collect() {
      this.set(++n);
    },
  });
  assert.is(parseMetrics(r.render()).get('demo_renders'), 1);
  assert.is(parseMetrics(r.render()).get('demo_renders'), 2);
});

test('parseMetrics reads back every sample of the rendered text, labels included', () => {
  const r = new Registry('demo');
  const c = r.counter('reloads_total', 'Reloads.');
  c.inc({ result: 'ok' }, 3);
  c.inc({ result: 'error' });
  r.gauge('info', 'Info.').set(1, { subject: 'CN=a b, O="x"' });
  const h = r.histogram('seconds', 'S.', [1]);
  h.observe(0.5);
  h.observe(2);
  const m = parseMetrics(r.render());
  assert.is(m.get('demo_reloads_total{result="ok"}'), 3);
  assert.is(m.get('demo_reloads_total{result="error"}'), 1);
  assert.is(m.get('demo_info{subject="CN=a b, O=\\"x\\""}'), 1);
  assert.is(m.get('demo_seconds_bucket{le="1"}'), 1);
  assert.is(m.get('demo_seconds_bucket{le="+Inf"}'), 2);
  assert.is(m.get('demo_seconds_sum'), 2.5);
  assert.is(m.get('demo_seconds_count'), 2);
  // 2 process gauges + 2 counter series + 1 gauge + 4 histogram lines; HELP/TYPE are not samples.
  assert.is(m.size, 9);
});

test('a registry lists every metric it holds, in registration order, with its type, help and declared labels', () => {
  const r = new Registry('demo');
  r.counter('hits_total', 'Hits.', ['result']);
  r.gauge('info', 'Info.', { labels: ['serial', 'subject'] });
  r.histogram('seconds', 'S.', [1]);
  r.histogram('by_seconds', 'B.', [1], ['destination']);
  assert.equal(r.definitions(), [
    { name: 'process_start_time_seconds', type: 'gauge', help: 'Start time of the process since the Unix epoch, in seconds.', labels: [] },
    { name: 'process_resident_memory_bytes', type: 'gauge', help: 'Resident memory size in bytes.', labels: [] },
    { name: 'demo_hits_total', type: 'counter', help: 'Hits.', labels: ['result'] },
    { name: 'demo_info', type: 'gauge', help: 'Info.', labels: ['serial', 'subject'] },
    { name: 'demo_seconds', type: 'histogram', help: 'S.', labels: ['le'] },
    { name: 'demo_by_seconds', type: 'histogram', help: 'B.', labels: ['destination', 'le'] },
  ]);
});

test('a series with a label its metric did not declare is named by undeclaredLabels; declared ones are not', () => {
  const r = new Registry('demo');
  const hits = r.counter('hits_total', 'Hits.', ['result']);
  const info = r.gauge('info', 'Info.', { labels: ['serial'] });
  const seconds = r.histogram('seconds', 'S.', [1], ['destination']);
  hits.inc({ result: 'ok' });
  seconds.observe(1, { destination: 'backend' });
  info.set(1, { serial: 'A' });
  assert.equal(r.undeclaredLabels(), []);
  hits.inc({ result: 'ok', code: '2xx' });
  info.set(1, { subject: 'CN=x', zone: 'a' });
  seconds.observe(1, { path: '/x' });
  assert.equal(r.undeclaredLabels(), ['demo_hits_total: code', 'demo_info: subject, zone', 'demo_seconds: path']);
});

test.run();
