// The span exporter against a fake collector: spans go out in batches as OTLP/HTTP JSON with the
// service.name of the pod, a failed export drops its batch and counts it, unsampled spans stay home,
// and a full queue drops its oldest spans rather than grow.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createLogger } from '../../lib/log.js';
import { Registry } from '../../lib/metrics.js';
import { createExporter, type Exporter } from '../src/exporter.js';
import { registerMetrics } from '../src/metrics.js';
import { CLIENT, type Span, SERVER, startSpan } from '../src/trace.js';
import { attr, type Collector, startCollector } from './collector.js';
import { freePort, metricSum, until } from './mesh.js';

interface Ctx {
  collector: Collector;
  registry: Registry;
  logs: string[];
  exporters: Exporter[];
  make(endpoint: string, post?: (url: string, body: string) => Promise<number>): Exporter;
}
const test = suite<Ctx>('span exporter', {} as Ctx);
test.before(async (ctx) => {
  ctx.collector = await startCollector();
});
test.before.each((ctx) => {
  ctx.collector.posts.length = 0;
  ctx.collector.status = 200;
  ctx.registry = new Registry('mesh_proxy');
  ctx.logs = [];
  ctx.exporters = [];
  const spans = registerMetrics(ctx.registry).spans;
  const log = createLogger('mesh-proxy', 'debug', (l) => ctx.logs.push(l));
  ctx.make = (endpoint, post) => {
    const e = createExporter({ endpoint, service: 'frontend', log, spans }, post);
    ctx.exporters.push(e);
    return e;
  };
});
test.after.each(async (ctx) => {
  for (const e of ctx.exporters) await e.close();
});
test.after((ctx) => ctx.collector.close());

const spans = (r: Registry, result: string) => metricSum(r.render(), 'spans_total', { result });
const finished = (name: string, o: Partial<Span> = {}): Span => ({ ...startSpan(undefined, name, SERVER), endNs: 1n, ...o });

test('spans are posted as one OTLP/HTTP JSON request, under the service.name of the pod', async ({ collector, registry, make }) => {
  const e = make(collector.url);
  const parent = '00f067aa0ba902b7';
  const a = finished('GET backend', {
    kind: CLIENT,
    parentSpanId: parent,
    attributes: { 'http.status_code': 503, 'peer.service': 'backend' },
    error: true,
  });
  const b = finished('GET frontend');
  e.add(a);
  e.add(b);
  await e.flush();
  assert.is(collector.posts.length, 1);
  const post = collector.posts[0]!;
  assert.is(post.path, '/v1/traces');
  assert.is(post.headers['content-type'], 'application/json');
  const rs = post.body.resourceSpans;
  assert.is(rs.length, 1);
  assert.is(attr(rs[0]!.resource.attributes, 'service.name'), 'frontend');
  assert.is(rs[0]!.scopeSpans[0]!.scope.name, 'sidecar-lab/mesh-proxy');
  const [sa, sb] = rs[0]!.scopeSpans[0]!.spans as [
    (typeof rs)[0]['scopeSpans'][0]['spans'][0],
    (typeof rs)[0]['scopeSpans'][0]['spans'][0],
  ];
  assert.equal(
    { traceId: sa.traceId, spanId: sa.spanId, parentSpanId: sa.parentSpanId, name: sa.name, kind: sa.kind, status: sa.status },
    { traceId: a.traceId, spanId: a.spanId, parentSpanId: parent, name: 'GET backend', kind: 3, status: { code: 2 } },
  );
  assert.is(sa.startTimeUnixNano, String(a.startNs));
  assert.is(sa.endTimeUnixNano, '1');
  assert.equal(sa.attributes, [
    { key: 'http.status_code', value: { intValue: '503' } },
    { key: 'peer.service', value: { stringValue: 'backend' } },
  ]);
  assert.is(sb.kind, 2);
  assert.not.ok('parentSpanId' in sb, 'a root span has no parent field');
  assert.equal(sb.status, { code: 1 });
  assert.is(spans(registry, 'exported'), 2);
  assert.is(spans(registry, 'dropped'), 0);
});

test('512 waiting spans are sent at once, without waiting for the timer; the rest follow in the next batch', async ({
  collector,
  registry,
  make,
}) => {
  const e = make(collector.url);
  for (let i = 0; i < 600; i++) e.add(finished(`s${i}`));
  await until('the full batch to be posted', () => collector.posts.length >= 1, 900);
  await e.flush();
  assert.equal(
    collector.posts.map((p) => p.body.resourceSpans[0]!.scopeSpans[0]!.spans.length),
    [512, 88],
  );
  assert.is(collector.spans()[0]!.name, 's0');
  assert.is(collector.spans()[599]!.name, 's599');
  assert.is(spans(registry, 'exported'), 600);
});

test('spans are sent by the timer within about a second, with no flush', async ({ collector, make }) => {
  const e = make(collector.url);
  e.add(finished('lonely'));
  await until('the timer to send the span', () => collector.posts.length === 1, 3000);
  assert.is(collector.spans()[0]!.name, 'lonely');
});

test('a batch the collector refuses is dropped and counted, and the failure logged', async ({ collector, registry, logs, make }) => {
  collector.status = 500;
  const e = make(collector.url);
  for (let i = 0; i < 3; i++) e.add(finished(`s${i}`));
  await e.flush();
  assert.is(collector.posts.length, 1);
  assert.is(spans(registry, 'dropped'), 3);
  assert.is(spans(registry, 'exported'), 0);
  const warned = logs.map((l) => JSON.parse(l)).filter((l) => l.msg === 'span export failed');
  assert.equal(
    warned.map((l) => [l.spans, l.err]),
    [[3, 'the collector answered 500']],
  );
  collector.status = 200;
  e.add(finished('after'));
  await e.flush();
  assert.is(spans(registry, 'exported'), 1, 'the next batch goes out again');
});

test('a batch that cannot be sent (nothing listens) is dropped and counted', async ({ registry, make }) => {
  const e = make(`http://127.0.0.1:${await freePort()}/v1/traces`);
  e.add(finished('a'));
  e.add(finished('b'));
  await e.flush();
  assert.is(spans(registry, 'dropped'), 2);
});

test('unsampled spans are not exported, nor counted', async ({ collector, registry, make }) => {
  const e = make(collector.url);
  e.add(finished('not sampled', { sampled: false }));
  await e.flush();
  assert.is(collector.posts.length, 0);
  e.add(finished('sampled'));
  await e.flush();
  assert.equal(
    collector.spans().map((s) => s.name),
    ['sampled'],
  );
  assert.is(spans(registry, 'exported') + spans(registry, 'dropped'), 1);
});

test('past 4096 waiting spans, the oldest are dropped and counted; what is sent is the newest', async ({ registry, make }) => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const sent: string[][] = [];
  const e = make('http://collector.invalid/v1/traces', async (_url, body) => {
    sent.push(JSON.parse(body).resourceSpans[0].scopeSpans[0].spans.map((s: { name: string }) => s.name));
    await gate;
    return 200;
  });
  for (let i = 0; i < 5000; i++) e.add(finished(`s${i}`));
  // 512 left in the first batch; of the 4488 after them, 392 did not fit.
  assert.is(spans(registry, 'dropped'), 392);
  release();
  await e.flush();
  assert.is(sent.length, 1 + 4096 / 512);
  assert.is(sent[0]![0], 's0');
  assert.is(sent[1]![0], 's904', 'the oldest waiting ones went: s512 … s903');
  assert.is(sent.at(-1)!.at(-1), 's4999');
  assert.is(spans(registry, 'exported'), 512 + 4096);
});

test('close() sends what is still waiting', async ({ collector, make }) => {
  const e = make(collector.url);
  e.add(finished('last words'));
  await e.close();
  assert.equal(
    collector.spans().map((s) => s.name),
    ['last words'],
  );
});

test.run();
