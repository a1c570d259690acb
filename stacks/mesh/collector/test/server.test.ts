// The collector's HTTP API, on a real listener: what it accepts, what it refuses and with which status,
// round trips through POST and GET, eviction seen from outside, and its metrics.
import { request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createLogger } from '../../../../sidecars/lib/log.js';
import { Registry } from '../../../../sidecars/lib/metrics.js';
import { hostileRound, rawExchange } from '../../../../sidecars/lib/test-support/hostile.js';
import { registerMetrics } from '../src/metrics.js';
import { createCollectorServer } from '../src/server.js';
import { compareNanos, SpanStore } from '../src/store.js';
import { validRequest } from './gen.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function call(port: number, method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<Answer> {
  const type: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, method, path, headers: { ...type, ...headers }, agent: false }, (res) => {
      let text = '';
      res
        .setEncoding('utf8')
        .on('data', (c) => (text += c))
        .on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    })
      .on('error', reject)
      .end(body);
  });
}

interface Ctx {
  server: Server;
  port: number;
  registry: Registry;
  store: SpanStore;
}
const MAX_SPANS = 4;
const MAX_BODY = 2048;
const test = suite<Ctx>('span-collector HTTP API', {} as Ctx);

test.before(async (ctx) => {
  ctx.registry = new Registry('span_collector');
  ctx.store = new SpanStore(MAX_SPANS);
  const log = createLogger('span-collector', 'error', () => {});
  ctx.server = createCollectorServer({ store: ctx.store, maxBodyBytes: MAX_BODY, metrics: registerMetrics(ctx.registry, ctx.store), log });
  await new Promise<void>((r) => ctx.server.listen(0, '127.0.0.1', r));
  ctx.port = (ctx.server.address() as AddressInfo).port;
});
test.after((ctx) => new Promise<void>((r) => ctx.server.close(() => r())));

const traceId = (n: number) => n.toString(16).padStart(32, '0');
const span = (t: number, s: number) => ({
  traceId: traceId(t),
  spanId: s.toString(16).padStart(16, '0'),
  name: `op ${s}`,
  kind: 2,
  startTimeUnixNano: String(1_700_000_000_000_000_000n + BigInt(s)),
  endTimeUnixNano: String(1_700_000_000_000_000_100n + BigInt(s)),
  attributes: [{ key: 'http.status_code', value: { intValue: '200' } }],
});
const body = (...spans: unknown[]) =>
  JSON.stringify({
    resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'backend' } }] }, scopeSpans: [{ spans }] }],
  });

test('a valid export is answered 200 {} and its trace is served by start time, with its service and flat attributes', async ({ port }) => {
  const post = await call(port, 'POST', '/v1/traces', body(span(1, 2), span(1, 1)), { 'content-type': 'application/json; charset=utf-8' });
  assert.equal([post.status, JSON.parse(post.body)], [200, {}]);
  const got = await call(port, 'GET', `/api/traces/${traceId(1).toUpperCase()}`);
  assert.is(got.status, 200);
  assert.is(got.headers['content-type'], 'application/json');
  const trace = JSON.parse(got.body);
  assert.is(trace.traceId, traceId(1));
  assert.equal(
    trace.spans.map((s: { name: string; service: string; kind: string; attributes: unknown }) => [s.name, s.service, s.kind, s.attributes]),
    [
      ['op 1', 'backend', 'server', { 'http.status_code': 200 }],
      ['op 2', 'backend', 'server', { 'http.status_code': 200 }],
    ],
  );
  const list = JSON.parse((await call(port, 'GET', '/api/traces?service=backend&limit=5')).body);
  assert.is(list.traces[0].traceId, traceId(1));
});

test('invalid spans are reported in partialSuccess and the valid ones kept', async ({ port }) => {
  const r = await call(port, 'POST', '/v1/traces', body(span(2, 3), { ...span(2, 4), traceId: 'nope' }));
  assert.is(r.status, 200);
  const { partialSuccess } = JSON.parse(r.body);
  assert.is(partialSuccess.rejectedSpans, 1);
  assert.match(partialSuccess.errorMessage, 'spans[1].traceId');
  assert.is(JSON.parse((await call(port, 'GET', `/api/traces/${traceId(2)}`)).body).spans.length, 1);
});

test('refusals: 415 another type or an encoding, 413 too large, 400 bad JSON or shape or id, 404 unknown, 405 wrong method', async ({
  port,
}) => {
  const status = async (method: string, path: string, b?: string, h: Record<string, string> = {}) =>
    (await call(port, method, path, b, h)).status;
  assert.is(await status('POST', '/v1/traces', body(), { 'content-type': 'application/x-protobuf' }), 415);
  assert.is(await status('POST', '/v1/traces', body(), { 'content-type': 'text/plain' }), 415);
  assert.is(await status('POST', '/v1/traces', body(), { 'content-encoding': 'gzip' }), 415);
  assert.is(await status('POST', '/v1/traces', body(...Array.from({ length: 20 }, (_, i) => span(9, i + 1)))), 413);
  const chunked = `POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n`;
  const big = 'x'.repeat(4096);
  assert.is((await rawExchange({ port }, `${chunked}${big.length.toString(16)}\r\n${big}\r\n0\r\n\r\n`)).status, 413);
  assert.is(await status('POST', '/v1/traces', '{"resourceSpans":['), 400);
  assert.is(await status('POST', '/v1/traces', '[]'), 400);
  assert.is(await status('POST', '/v1/traces', '{"resourceSpans":{}}'), 400);
  assert.is(await status('GET', '/api/traces/xyz'), 400);
  assert.is(await status('GET', `/api/traces/${'0'.repeat(32)}`), 400);
  assert.is(await status('GET', `/api/traces/${'f'.repeat(32)}`), 404);
  assert.is(await status('GET', '/api/traces?limit=0'), 400);
  assert.is(await status('GET', '/api/traces?limit=abc'), 400);
  assert.is(await status('GET', '/nowhere'), 404);
  assert.is(await status('GET', '/v1/traces'), 405);
  assert.is(await status('DELETE', `/api/traces/${traceId(1)}`), 405);
  for (const [target, s] of await hostileRound({ port })) assert.ok(s === undefined || (s >= 400 && s < 500), `${target}: ${s}`);
});

test('past maxSpans the oldest spans are dropped first: their traces answer 404, the newest stay', async ({ port }) => {
  for (let t = 10; t < 10 + MAX_SPANS + 2; t++) assert.is((await call(port, 'POST', '/v1/traces', body(span(t, 1)))).status, 200);
  assert.is((await call(port, 'GET', `/api/traces/${traceId(10)}`)).status, 404);
  assert.is((await call(port, 'GET', `/api/traces/${traceId(11)}`)).status, 404);
  for (let t = 12; t < 10 + MAX_SPANS + 2; t++) assert.is((await call(port, 'GET', `/api/traces/${traceId(t)}`)).status, 200);
  const listed = JSON.parse((await call(port, 'GET', '/api/traces?limit=2')).body).traces.map((t: { traceId: string }) => t.traceId);
  assert.equal(listed, [traceId(15), traceId(14)]);
});

test('the metrics count spans received, rejected and evicted, and what is stored', ({ registry, store }) => {
  const text = registry.render();
  const value = (name: string) => Number(new RegExp(`^span_collector_${name} (\\S+)$`, 'm').exec(text)?.[1]);
  assert.is(value('spans_received_total'), 3 + MAX_SPANS + 2);
  assert.is(value('spans_rejected_total'), 1);
  assert.is(value('spans_stored'), MAX_SPANS);
  assert.is(value('traces_stored'), store.traceCount);
  assert.ok(value('spans_evicted_total') >= 3);
  assert.match(text, /span_collector_requests_total\{route="traces",status="415"\} 3/);
});

test('generated valid requests round-trip through POST and GET, exactly', async () => {
  const log = createLogger('span-collector', 'error', () => {});
  await fc.assert(
    fc.asyncProperty(validRequest, async ({ body: b, spans }) => {
      const store = new SpanStore(1000);
      const server = createCollectorServer({ store, maxBodyBytes: 1 << 20, metrics: registerMetrics(new Registry('t'), store), log });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const { port } = server.address() as AddressInfo;
      try {
        assert.equal(JSON.parse((await call(port, 'POST', '/v1/traces', JSON.stringify(b))).body), {});
        for (const id of new Set(spans.map((s) => s.traceId))) {
          const want = spans.filter((s) => s.traceId === id).sort((x, y) => compareNanos(x.startTimeUnixNano, y.startTimeUnixNano));
          const got = JSON.parse((await call(port, 'GET', `/api/traces/${id}`)).body);
          assert.equal(got, JSON.parse(JSON.stringify({ traceId: id, spans: want })));
        }
      } finally {
        await new Promise<void>((r) => server.close(() => r()));
      }
    }),
    { numRuns: 50 },
  );
});

test.run();
