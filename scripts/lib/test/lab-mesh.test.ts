// The mesh's edges from its Prometheus: the three queries (each per caller and destination), the answers read as
// samples (any text read without a throw, property-based), joined into edges with their rate, error ratio and p99, and
// asked of a fake Prometheus on a real socket (each query as the lab sends it), or why not.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { edgesOf, meshEdges, QUERIES, samples } from '../lab/mesh.js';
import { container } from './lab-support.js';

const test = suite('lab: the mesh’s edges');

const vector = (result: { metric: Record<string, string>; value: [number, string] }[]) =>
  JSON.stringify({ status: 'success', data: { resultType: 'vector', result } });
const RPS = vector([
  { metric: { service: 'frontend', destination: 'backend' }, value: [1, '20'] },
  { metric: { service: 'backend', destination: 'ledger' }, value: [1, '0'] },
]);
const ERRORS = vector([{ metric: { service: 'frontend', destination: 'backend' }, value: [1, '1'] }]);
const P99 = vector([
  { metric: { service: 'frontend', destination: 'backend' }, value: [1, '0.045'] },
  { metric: { service: 'backend', destination: 'ledger' }, value: [1, 'NaN'] },
]);

test('edges join the rate, the share of errors and the edge’s own p99; no requests is no ratio, NaN no p99', () => {
  assert.equal(edgesOf(samples(RPS), samples(ERRORS), samples(P99)), [
    { from: 'backend', to: 'ledger', rps: 0, errorRatio: null, p99Seconds: null },
    { from: 'frontend', to: 'backend', rps: 20, errorRatio: 0.05, p99Seconds: 0.045 },
  ]);
});

test('two destinations of one caller each get their own p99, and a p99 without a destination is no edge’s', () => {
  const rps = vector([
    { metric: { service: 'frontend', destination: 'backend' }, value: [1, '10'] },
    { metric: { service: 'frontend', destination: 'ledger' }, value: [1, '2'] },
  ]);
  const p99 = vector([
    { metric: { service: 'frontend', destination: 'ledger' }, value: [1, '0.2'] },
    { metric: { service: 'frontend', destination: 'backend' }, value: [1, '0.01'] },
    { metric: { service: 'frontend' }, value: [1, '0.5'] },
  ]);
  assert.equal(
    edgesOf(samples(rps), [], samples(p99)).map((e) => [e.to, e.p99Seconds]),
    [
      ['backend', 0.01],
      ['ledger', 0.2],
    ],
  );
  assert.equal(
    edgesOf(samples(rps), [], samples(vector([{ metric: { service: 'frontend' }, value: [1, '0.5'] }]))).map((e) => e.p99Seconds),
    [null, null],
  );
});

test('each query keeps the caller and the destination, over the same window; the p99 is taken of the buckets’ rates, le kept', () => {
  const by = (q: string) => /sum by \(([^)]*)\)/.exec(q)?.[1]?.split(/,\s*/).sort();
  assert.equal(by(QUERIES.rps), ['destination', 'service']);
  assert.equal(by(QUERIES.errors), ['destination', 'service']);
  assert.equal(by(QUERIES.p99), ['destination', 'le', 'service']);
  assert.match(
    QUERIES.p99,
    /^histogram_quantile\(0\.99, sum by \([^)]*\) \(rate\(mesh_proxy_outbound_request_duration_seconds_bucket\[15s\]\)\)\)$/,
  );
  for (const q of Object.values(QUERIES)) assert.equal(q.match(/\[(\w+)\]/g), ['[15s]']);
  assert.match(QUERIES.errors, /direction="outbound",code=~"5xx\|0xx"/);
});

test('any answer reads as samples with finite values, without a throw (property-based)', () => {
  const answers = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.json(),
    fc
      .array(
        fc.record({
          metric: fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.integer())),
          value: fc.array(fc.oneof(fc.string(), fc.double())),
        }),
      )
      .map((result) => JSON.stringify({ data: { result } })),
  );
  fc.assert(
    fc.property(answers, (text) => {
      const s = samples(text);
      return s.every((x) => Number.isFinite(x.value) && Object.values(x.labels).every((v) => typeof v === 'string'));
    }),
    { numRuns: 300 },
  );
});

test('the edges are asked of the run’s Prometheus where it is published, one query each; one that is not reachable says why', async () => {
  const asked: string[] = [];
  const server = createServer((req, res) => {
    const q = new URL(req.url ?? '', 'http://x').searchParams.get('query') ?? '';
    asked.push(q);
    res.end(q === QUERIES.rps ? RPS : q === QUERIES.errors ? ERRORS : P99);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const port = String((server.address() as AddressInfo).port);
    const prometheus = container('sl-mesh-0a0b0c', 'prometheus', {
      pid: 5,
      ports: { '9090/tcp': [{ HostIp: '127.0.0.1', HostPort: port }] },
    });
    const got = await meshEdges(prometheus);
    assert.ok('edges' in got);
    assert.equal(
      got.edges.map((e) => [e.from, e.to, e.rps]),
      [
        ['backend', 'ledger', 0],
        ['frontend', 'backend', 20],
      ],
    );
    assert.equal(asked.sort(), Object.values(QUERIES).sort());
    assert.equal(await meshEdges(container('sl-mesh-0a0b0c', 'prometheus', { pid: 5 })), {
      why: 'its Prometheus (port 9090) is neither published nor on a network the lab can reach',
    });
  } finally {
    await new Promise((r) => server.close(r));
  }
});

test.run();
