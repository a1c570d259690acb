// Checks 9-12: discovery as replicas come and go, certificate rotation under load, one trace across two
// mesh hops, and Prometheus holding what the sidecars counted.
import { randomBytes } from 'node:crypto';
import { connect } from 'node:tls';
import { eventually, expect, type Check } from '../../scripts/lib/check.js';
import { Project } from '../../scripts/lib/compose.js';
import * as docker from '../../scripts/lib/docker.js';
import type { StackContext } from '../../scripts/lib/lifecycle.js';
import { call, calls, counters, endpoints, identity, metricsOf, note, total } from './support.js';

type C = Check<StackContext>;

/** The same project with the scale profile on: backend-4 and backend-5 exist in it. */
const scaled = (ctx: StackContext) => new Project({ ...ctx.project.o, profiles: [...(ctx.project.o.profiles ?? []), 'scale'] });

async function endpointsKnown(admin: string, n: number): Promise<void> {
  await eventually(
    async () =>
      expect.equal(
        total(await metricsOf(admin), 'mesh_proxy_endpoints', 'destination="backend"'),
        n,
        'backend endpoints the frontend’s sidecar knows',
      ),
    { within: 15_000, every: 200 },
  );
}

export const discovery: C = {
  weight: 'heavy',
  name: 'discovery: two more backend replicas get traffic within seconds, and a stopped replica gets none, with no restart of the frontend',
  effect: 'destroys',
  async run(ctx) {
    const { admin } = await endpoints(ctx.project);
    const sidecar = await ctx.project.id('frontend-mesh');
    const started = (await docker.state(sidecar)).startedAt;
    const scale = scaled(ctx);
    const t0 = Date.now();
    // The two added replicas go whatever fails, their `up` too: left up, they would be in every later check's count.
    try {
      await scale.up(120);
      await endpointsKnown(admin, 5);
      const seen = Date.now() - t0;
      const five = await calls(ctx.project, '/call?n=100&concurrency=4');
      note(`up with backend-4 and -5 took ${seen} ms until the frontend knew 5 endpoints; 100 requests: ${JSON.stringify(five.replicas)}`);
      expect.equal(five.ok, 100, 'requests answered 2xx with 5 replicas');
      for (const r of ['backend-4', 'backend-5'])
        expect.ok((five.replicas[r] ?? 0) >= 10, `${r} answered its share`, '>= 10', five.replicas[r] ?? 0);
      await ctx.project.stop(['backend-2-app', 'backend-2-mesh', 'backend-2']);
      await endpointsKnown(admin, 4);
      const four = await calls(ctx.project, '/call?n=100&concurrency=4');
      note(`backend-2 stopped: 100 requests: ${JSON.stringify(four.replicas)}`);
      expect.equal(four.ok, 100, 'requests answered 2xx with backend-2 stopped');
      expect.equal(four.replicas['backend-2'] ?? 0, 0, 'requests backend-2 answered after it stopped');
      expect.equal((await docker.state(sidecar)).startedAt, started, 'the frontend’s sidecar was not restarted (its start time)');
    } finally {
      await scale.remove(['backend-4-app', 'backend-4-mesh', 'backend-4', 'backend-5-app', 'backend-5-mesh', 'backend-5']);
      await ctx.project.up(120);
      await endpointsKnown(admin, 3);
    }
  },
};

/** The serial of the certificate the frontend's sidecar serves to a new connection. */
async function servedSerial(frontend: string, who: { cert: Buffer; key: Buffer; ca: Buffer }): Promise<string> {
  const [host, port] = frontend.split(':') as [string, string];
  return new Promise((resolve, reject) => {
    const s = connect({ host, port: Number(port), servername: 'frontend', ...who }, () => {
      const serial = s.getPeerCertificate().serialNumber;
      s.destroy();
      resolve(serial);
    });
    s.once('error', reject);
  });
}

export const rotation: C = {
  weight: 'heavy',
  name: 'certificate rotation under steady load: 0 failed requests, and the served certificate’s serial changes',
  async run(ctx) {
    const e = await endpoints(ctx.project);
    const me = await identity(ctx.project, 'checks');
    const before = await servedSerial(e.frontend, me);
    const c0 = await counters(e.admin);
    // 8 workers: on a stalled machine, late calls start together, and 8 stay below the circuit breaker's 16
    // pending (check 8), so a refusal here could only come from the rotation.
    const load = calls(ctx.project, '/load?seconds=10&rps=50&concurrency=8', me);
    const requestsNow = async () => total(await metricsOf(e.admin), 'mesh_proxy_requests_total', 'direction="outbound"');
    const r0 = await requestsNow();
    await eventually(async () => expect.ok((await requestsNow()) > r0 + 50, 'the load is running', '> 50 requests', 'fewer'), {
      within: 10_000,
    });
    await docker.signal(await ctx.project.id('ca'), 'HUP'); // the CA renews every identity at once
    const after = await eventually(
      async () => {
        const s = await servedSerial(e.frontend, me);
        expect.ok(s !== before, 'the serial served to a new connection', `not ${before}`, s);
        return s;
      },
      { within: 8000, every: 200 },
    );
    const r = await load;
    const c1 = await counters(e.admin);
    note(
      `served serial ${before} → ${after} while under load; ${r.ok} of ${r.n} requests succeeded, ${r.errors} errors, ${JSON.stringify(r.statuses)}; the frontend's sidecar retried ${c1.retries - c0.retries}, refused ${c1.overflow - c0.overflow} (breaker) and ${c1.exhausted - c0.exhausted} (budget)`,
    );
    expect.equal(r.ok, r.n, 'requests answered 2xx during the rotation');
    expect.equal(r.errors, 0, 'requests that got no answer');
  },
};

interface TraceSpan {
  spanId: string;
  parentSpanId: string | null;
  kind: string;
  service: string;
  name: string;
}

export const tracing: C = {
  name: 'tracing: one request makes one trace in the collector, with a span from each sidecar hop, linked parent to child',
  async run(ctx) {
    const e = await endpoints(ctx.project);
    const traceId = randomBytes(16).toString('hex');
    const root = randomBytes(8).toString('hex');
    const r = await call(e.frontend, '/chain', await identity(ctx.project, 'checks'), {
      headers: { traceparent: `00-${traceId}-${root}-01` },
    });
    expect.equal(r.status, 200, 'GET /chain: frontend → backend → ledger');
    const spans = await eventually(
      async () => {
        const res = await fetch(`${e.collector}/api/traces/${traceId}`);
        const body = res.status === 200 ? ((await res.json()) as { spans: TraceSpan[] }).spans : [];
        expect.equal(body.length, 5, `spans of trace ${traceId} in the collector`);
        return body;
      },
      { within: 10_000, every: 250 },
    );
    const chain = ['frontend/server', 'frontend/client', 'backend/server', 'backend/client', 'ledger/server'];
    let parent = root;
    for (const hop of chain) {
      const [service, kind] = hop.split('/');
      const s = spans.find((x) => x.service === service && x.kind === kind);
      expect.ok(s !== undefined, `a ${kind} span of ${service}`, hop, spans.map((x) => `${x.service}/${x.kind}`).join(' '));
      expect.equal(s!.parentSpanId, parent, `the parent of ${hop}`);
      parent = s!.spanId;
    }
    note(`trace ${traceId}: ${chain.join(' → ')}, each span the child of the one before (the first of the caller’s ${root})`);
  },
};

async function prom(base: string, query: string): Promise<number> {
  const r = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(query)}`);
  const body = (await r.json()) as { status: string; data: { result: { value: [number, string] }[] } };
  expect.equal(body.status, 'success', `Prometheus query ${query}`);
  return body.data.result.reduce((s, x) => s + Number(x.value[1]), 0);
}

export const prometheus: C = {
  // It reads the retries and ejections that the heavy checks before it caused: a room run has none to read.
  weight: 'heavy',
  name: 'Prometheus, queried through its API, scrapes every sidecar and shows the request rate, the retries and the ejections',
  async run(ctx) {
    const e = await endpoints(ctx.project);
    const up = await eventually(
      async () => {
        const n = await prom(e.prometheus, 'sum(up{job="mesh-proxy"})');
        expect.equal(n, 5, 'sidecars Prometheus scrapes and finds up (frontend, 3 backends, ledger)');
        return n;
      },
      { within: 20_000, every: 500 },
    );
    await calls(ctx.project, '/call?n=50&concurrency=2');
    const own = await metricsOf(e.admin);
    const want = { retries: total(own, 'mesh_proxy_retries_total'), ejections: total(own, 'mesh_proxy_outlier_ejections_total') };
    const got = await eventually(
      async () => {
        const g = {
          rate: await prom(e.prometheus, 'sum(rate(mesh_proxy_requests_total{service="frontend",direction="outbound"}[30s]))'),
          retries: await prom(e.prometheus, 'sum(mesh_proxy_retries_total{service="frontend"})'),
          ejections: await prom(e.prometheus, 'sum(mesh_proxy_outlier_ejections_total{service="frontend"})'),
        };
        expect.ok(g.rate > 0, 'the frontend’s outbound request rate', '> 0', g.rate);
        expect.equal(
          { retries: g.retries, ejections: g.ejections },
          want,
          'retries and ejections in Prometheus = what the frontend’s sidecar counted',
        );
        return g;
      },
      { within: 15_000, every: 500 },
    );
    note(
      `${up} sidecars up; frontend → backend: ${got.rate.toFixed(1)} req/s over 30 s, ${got.retries} retries, ${got.ejections} ejections`,
    );
    expect.ok(got.retries > 0 && got.ejections > 0, 'the retries and ejections of the earlier checks are there', '> 0 each', got);
  },
};
