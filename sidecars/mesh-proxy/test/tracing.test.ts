// Traces across two hops: the frontend's client span and the backend's server span of one request share
// a trace, the server span's parent is the client span, and the app gets a traceparent naming the server
// span. A caller's valid traceparent is continued; a malformed one starts a new trace.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { attr, type Collector, type Received, startCollector } from './collector.js';
import { call, type Mesh, startMesh, until } from './mesh.js';

interface Ctx {
  mesh: Mesh;
  collector: Collector;
}
const test = suite<Ctx>('tracing', {} as Ctx);
test.before(async (ctx) => {
  ctx.collector = await startCollector();
  ctx.mesh = await startMesh({ size: 1, backend: ['--otlp-endpoint', ctx.collector.url] });
});
test.before.each(({ mesh }) => mesh.reset());
test.after.each(({ mesh }) => mesh.closeFrontends());
test.after(async ({ mesh, collector }) => {
  await mesh?.close();
  await collector?.close();
});

const T = '4bf92f3577b34da6a3ce929d0e0e4736';
const S = '00f067aa0ba902b7';
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;

/** The client and server spans of the request to path, once both have been exported. */
async function spansOf(c: Collector, path: string): Promise<{ client: Received; server: Received }> {
  const find = (service: string) => c.spans().find((s) => s.service === service && attr(s.attributes, 'url.path') === path);
  await until(`the spans of ${path}`, () => find('frontend') !== undefined && find('backend') !== undefined, 5000);
  return { client: find('frontend')!, server: find('backend')! };
}

test('one request yields a CLIENT span at the frontend and a SERVER span at the backend, parent and child in one trace', async ({
  mesh,
  collector,
}) => {
  const fe = await mesh.frontend(['--otlp-endpoint', collector.url]);
  assert.is((await call(fe.port, '/new')).status, 200);
  const { client, server } = await spansOf(collector, '/new');
  assert.is(client.kind, 3);
  assert.is(server.kind, 2);
  assert.is(client.name, 'GET backend');
  assert.is(server.name, 'GET backend');
  assert.match(client.traceId, /^[0-9a-f]{32}$/);
  assert.is(server.traceId, client.traceId);
  assert.is(server.parentSpanId, client.spanId);
  assert.is(client.parentSpanId, undefined, 'no caller span: the frontend started the trace');
  assert.is(attr(client.attributes, 'http.status_code'), '200');
  assert.is(attr(client.attributes, 'peer.service'), 'backend');
  assert.is(attr(client.attributes, 'net.peer.ip'), mesh.addresses[0]);
  assert.is(attr(server.attributes, 'peer.spiffe_id'), 'spiffe://sidecar-lab/test/frontend');
  assert.equal([client.status.code, server.status.code], [1, 1]);
  assert.ok(BigInt(server.startTimeUnixNano) >= BigInt(client.startTimeUnixNano), 'the server span starts inside the client span');
  assert.ok(BigInt(client.endTimeUnixNano) >= BigInt(server.endTimeUnixNano));
  // The app gets one traceparent: the server span's.
  const [, traceId, parent] = TRACEPARENT.exec(String(mesh.apps[0]!.seen[0]!.headers.traceparent))!;
  assert.equal([traceId, parent], [client.traceId, server.spanId]);
});

test("a caller's traceparent is continued: same trace, and the client span's parent is the caller's span", async ({ mesh, collector }) => {
  const fe = await mesh.frontend(['--otlp-endpoint', collector.url]);
  await call(fe.port, '/continued', { headers: { traceparent: `00-${T}-${S}-01` } });
  const { client, server } = await spansOf(collector, '/continued');
  assert.equal([client.traceId, server.traceId], [T, T]);
  assert.is(client.parentSpanId, S);
  assert.is(server.parentSpanId, client.spanId);
  assert.is(mesh.apps[0]!.seen[0]!.headers.traceparent, `00-${T}-${server.spanId}-01`, "the caller's own value is replaced, not passed on");
});

test('a malformed traceparent starts a new trace', async ({ mesh, collector }) => {
  const fe = await mesh.frontend(['--otlp-endpoint', collector.url]);
  await call(fe.port, '/malformed', { headers: { traceparent: `00-${T.toUpperCase()}-${S}-01` } });
  const { client, server } = await spansOf(collector, '/malformed');
  assert.is.not(client.traceId.toUpperCase(), T.toUpperCase());
  assert.is(client.parentSpanId, undefined);
  assert.is(server.traceId, client.traceId);
  assert.match(String(mesh.apps[0]!.seen[0]!.headers.traceparent), TRACEPARENT);
});

test('an unsampled trace is propagated unsampled and not exported', async ({ mesh, collector }) => {
  const fe = await mesh.frontend(['--otlp-endpoint', collector.url]);
  const U = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
  await call(fe.port, '/unsampled', { headers: { traceparent: `00-${U}-${S}-00` } });
  assert.match(String(mesh.apps[0]!.seen[0]!.headers.traceparent), new RegExp(`^00-${U}-[0-9a-f]{16}-00$`));
  // A sampled request after it: once its spans are in, the unsampled ones would be too.
  await call(fe.port, '/sampled-after');
  await spansOf(collector, '/sampled-after');
  assert.equal(
    collector.spans().filter((s) => s.traceId === U),
    [],
  );
});

test('a failed request is an error span on both sides', async ({ mesh, collector }) => {
  const fe = await mesh.frontend(['--otlp-endpoint', collector.url, '--retries', '0']);
  mesh.apps[0]!.mode = 'fail';
  assert.is((await call(fe.port, '/fails')).status, 503);
  const { client, server } = await spansOf(collector, '/fails');
  assert.equal([client.status.code, server.status.code], [2, 2]);
  assert.is(attr(client.attributes, 'http.status_code'), '503');
  await until('the frontend to count its exported span', () => fe.metric('spans_total', { result: 'exported' }) >= 1);
});

test.run();
