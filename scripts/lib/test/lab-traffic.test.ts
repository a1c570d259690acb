// The traffic the lab reads from each sidecar's own /metrics: counters summed over their series (those of one
// label when asked), read without a throw whatever the text (property-based); where the admin port is reached,
// or why not; a run's sidecars read from a fake sidecar on a real socket, one that never answers cut at the
// deadline; the page's rates between two reads; and GET /api/traffic only for our projects.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { createLogger } from '../../../sidecars/lib/log.js';
import { rates } from '../lab/page/steps.js';
import { createLab, listenLab } from '../lab/server.js';
import { counterSum, metricsUrl, type TrafficAnswer, trafficOf } from '../lab/traffic.js';
import { container, fakeEngine, imageLabels, labOptions } from './lab-support.js';

const test = suite('lab: traffic');
const P = 'sl-https-0a0b0c';

const METRICS = `# HELP tls_proxy_requests_total HTTP requests proxied (http mode), by status class.
# TYPE tls_proxy_requests_total counter
tls_proxy_requests_total{code="2xx"} 40
tls_proxy_requests_total{code="5xx"} 2
tls_proxy_requests_total_other 100
mesh_proxy_requests_total{direction="inbound",destination="b",code="2xx"} 7
mesh_proxy_requests_total{code="2xx",direction="outbound",destination="c"} 5
mesh_proxy_requests_total{direction="inbound",destination="c",code="5xx"} 1
`;

test('a counter is the sum of its series, of those with one label when asked, and 0 when it is absent', () => {
  assert.is(counterSum(METRICS, 'tls_proxy_requests_total'), 42);
  assert.is(counterSum(METRICS, 'mesh_proxy_requests_total', 'direction="inbound"'), 8);
  assert.is(counterSum(METRICS, 'mesh_proxy_requests_total', 'direction="outbound"'), 5);
  assert.is(counterSum(METRICS, 'log_shipper_shipped_records_total'), 0);
});

test('any text reads as a finite sum without a throw (property-based)', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) =>
      Number.isFinite(counterSum(text, 'tls_proxy_requests_total', 'code="2xx"')),
    ),
    { numRuns: 300 },
  );
});

/** tls-proxy in a pod whose owner publishes `published` as the admin port 9901. */
function pod(published?: string, env: string[] = []) {
  const owner = container(P, 'pod', { pid: 10, ports: published ? { '9901/tcp': [{ HostIp: '127.0.0.1', HostPort: published }] } : {} });
  const proxy = container(P, 'tls-proxy', { pid: 11, joins: owner.Id, labels: imageLabels('tls-proxy') });
  proxy.Config.Env = env;
  return fakeEngine([owner, proxy, container(P, 'app', { pid: 12, joins: owner.Id })]);
}

test('the admin port is reached where the pod publishes it; a loopback admin address or no way in says why', async () => {
  const published = pod('40001');
  assert.equal(await metricsUrl(published, published.containers[1]!), { url: 'http://127.0.0.1:40001/metrics' });
  const loopback = pod('40001', ['TLS_PROXY_ADMIN_ADDRESS=127.0.0.1']);
  assert.equal(await metricsUrl(loopback, loopback.containers[1]!), { why: 'its admin port serves only the pod loopback (127.0.0.1)' });
  const none = pod();
  assert.equal(await metricsUrl(none, none.containers[1]!), {
    why: 'its admin port 9901 is neither published nor on a network the lab can reach',
  });
  assert.equal(await metricsUrl(none, none.containers[2]!), { why: 'its image declares no admin port' });
});

async function serving(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; port: string }> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: String((server.address() as AddressInfo).port) };
}

test('a run’s traffic: tls-proxy’s requests from its /metrics; only sidecars that count traffic are listed; one that never answers is cut at the deadline with its reason', async () => {
  const good = await serving((req, res) => res.end(req.url === '/metrics' ? METRICS : 'no'));
  const silent = await serving(() => undefined);
  try {
    const t = await trafficOf(pod(good.port), P);
    assert.equal(t.sidecars, [{ container: `${P}-tls-proxy-1`, service: 'tls-proxy', counters: [{ what: 'requests', total: 42 }] }]);
    const started = Date.now();
    const cut = await trafficOf(pod(silent.port), P, 300);
    assert.ok(Date.now() - started < 3000, 'within the deadline');
    assert.equal(cut.sidecars, [
      { container: `${P}-tls-proxy-1`, service: 'tls-proxy', counters: [], why: 'tls-proxy did not answer within 300 ms' },
    ]);
  } finally {
    silent.server.closeAllConnections();
    await Promise.all([good, silent].map((s) => new Promise((r) => s.server.close(r))));
  }
});

test('rates per second between two reads; none on the first read, after a counter went down (a restart), or for another run', () => {
  const read = (time: number, total: number, project = P): TrafficAnswer => ({
    project,
    time,
    sidecars: [{ container: 'c', service: 'tls-proxy', counters: [{ what: 'requests', total }] }],
  });
  assert.is(rates(undefined, read(1000, 5))[0]!.perSecond, null);
  assert.is(rates(read(1000, 5), read(3000, 25))[0]!.perSecond, 10);
  assert.is(rates(read(1000, 25), read(3000, 3))[0]!.perSecond, null);
  assert.is(rates(read(1000, 5, 'sl-https-ffffff'), read(3000, 25))[0]!.perSecond, null);
  assert.equal(rates(undefined, { project: P, time: 0, sidecars: [{ container: 'c', service: 's', counters: [], why: 'no' }] }), [
    { container: 'c', service: 's', what: 'traffic', total: 0, perSecond: null, why: 'no' },
  ]);
});

test('GET /api/traffic answers for our projects only: another gets 403', async () => {
  const lab = createLab(
    labOptions(
      pod(),
      'd'.repeat(64),
      createLogger('lab', 'error', () => undefined),
    ),
  );
  await listenLab(lab, 0);
  try {
    const ask = (project: string) =>
      fetch(`http://127.0.0.1:${lab.port}/api/traffic?project=${project}`, { headers: { authorization: `Bearer ${'d'.repeat(64)}` } });
    const ours = await ask(P);
    assert.is(ours.status, 200);
    assert.equal(
      ((await ours.json()) as TrafficAnswer).sidecars.map((s) => s.why),
      ['its admin port 9901 is neither published nor on a network the lab can reach'],
    );
    assert.is((await ask('someone-elses')).status, 403);
  } finally {
    await lab.close();
  }
});

test.run();
