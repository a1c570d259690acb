// The process level: span-collector's entry point in a child process (on the runtime the tests run on).
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { probe } from '../../../../sidecars/lib/admin.js';
import { Registry } from '../../../../sidecars/lib/metrics.js';
import { commonMetrics } from '../../../../sidecars/lib/run.js';
import { exited, get, runMain } from '../../../../sidecars/lib/test-support/child.js';
import { undeclaredSeries } from '../../../../sidecars/lib/test-support/metrics.js';
import { freePort, until } from '../../../../sidecars/lib/test-support/wait.js';
import { registerMetrics } from '../src/metrics.js';
import { SpanStore } from '../src/store.js';

const MAIN = fileURLToPath(new URL('../src/main.js', import.meta.url));
const test = suite('span-collector process');

const post = (port: number, body: string) =>
  new Promise<number>((resolve, reject) => {
    request(
      { host: '127.0.0.1', port, method: 'POST', path: '/v1/traces', headers: { 'content-type': 'application/json' }, agent: false },
      (res) => {
        res.resume();
        resolve(res.statusCode!);
      },
    )
      .on('error', reject)
      .end(body);
  });

test('a bad parameter exits 2 with one stderr line that names it', async () => {
  const r = runMain(MAIN, ['--max-spans', '0']);
  assert.equal(await exited(r), { code: 2, signal: null });
  assert.match(r.stderr, /^span-collector: invalid --max-spans \(SPAN_COLLECTOR_MAX_SPANS\): 0 is out of range[^\n]*\n$/);
});

test('it serves traces and its admin port, passes its health check, counts what it got and drains on SIGTERM', async () => {
  const [listen, admin] = [await freePort(), await freePort()];
  const env = {
    SPAN_COLLECTOR_LISTEN_PORT: String(listen),
    SPAN_COLLECTOR_ADMIN_PORT: String(admin),
    SPAN_COLLECTOR_ADMIN_ADDRESS: '127.0.0.1',
  };
  const r = runMain(MAIN, ['--listen-address', '127.0.0.1'], env);
  try {
    await until('/readyz', () => probe(admin, '/readyz', 200), 10_000);
    const span = { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), name: 'GET /', startTimeUnixNano: '1', endTimeUnixNano: '2' };
    assert.is(await post(listen, JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [span] }] }] })), 200);
    assert.is((await get(listen, `/api/traces/${'a'.repeat(32)}`)).status, 200);
    const health = runMain(MAIN, ['healthcheck'], { SPAN_COLLECTOR_ADMIN_PORT: String(admin) });
    assert.is((await exited(health)).code, 0, health.stderr);
    const metrics = (await get(admin, '/metrics')).body;
    assert.match(metrics, /^span_collector_spans_received_total 1$/m);
    assert.match(metrics, /^span_collector_traces_stored 1$/m);
    const registry = new Registry('span_collector');
    commonMetrics(registry);
    registerMetrics(registry, new SpanStore(1));
    assert.equal(undeclaredSeries(metrics, registry.definitions()), []);
  } finally {
    r.child.kill('SIGTERM');
  }
  assert.equal(await exited(r), { code: 0, signal: null }, r.stderr);
  const lines = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { msg: string });
  assert.equal(
    lines.map((l) => l.msg).filter((m) => ['listening', 'started', 'drained'].includes(m)),
    ['listening', 'started', 'drained'],
  );
});

test.run();
