import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { layersMarkdown, ROWS, type Reading, type RowId, summarizeLayers, usPerRequest } from '../layers.js';

const test = suite('bench:https-layers');

const reading = (id: RowId, round: number, cpuSeconds: number, requests = 100_000): Reading => ({
  id,
  round,
  requests,
  perSecond: requests / 5,
  cpuSeconds,
  peakMib: 60 + round,
  errors: 0,
});

test('CPU per request is the CPU seconds over the load divided by the requests, in µs', () => {
  assert.is(usPerRequest({ cpuSeconds: 2.5, requests: 100_000 }), 25);
});

test('each row is the median of its rounds, and adds to the probe row before it; tcp mode adds to nothing', () => {
  const readings = [
    ...[2.0, 2.2, 2.1].map((s, i) => reading('relay', i + 1, s)),
    ...[2.6, 2.4, 2.5].map((s, i) => reading('floor', i + 1, s)),
    ...[5.0, 5.4, 5.2].map((s, i) => reading('tls-proxy-http', i + 1, s)),
    ...[2.1, 2.0, 2.3].map((s, i) => reading('tls-proxy-tcp', i + 1, s)),
  ];
  const rows = summarizeLayers(readings);
  assert.equal(
    rows.map((r) => r.id),
    ['relay', 'floor', 'tls-proxy-http', 'tls-proxy-tcp'],
    'in the order of the table, rows with no reading left out',
  );
  assert.equal(
    rows.map((r) => [Math.round(r.cpuUs.median * 10) / 10, r.cpuUs.min, r.cpuUs.max]),
    [
      [21, 20, 22],
      [25, 24, 26],
      [52, 50, 54],
      [21, 20, 23],
    ],
  );
  assert.equal(
    rows.map((r) => (r.addedUs === undefined ? undefined : Math.round(r.addedUs * 10) / 10)),
    [undefined, 4, 27, undefined],
  );
  assert.equal(rows[0]!.peakMib, { median: 62, min: 61, max: 63, runs: [61, 62, 63] });
});

test('the table has a line per row with its label, CPU, what it adds, req/s and peak, after its header', () => {
  const readings = ROWS.flatMap((r, i) => [reading(r.id, 1, 2 + i / 10), reading(r.id, 2, 2.2 + i / 10)]);
  const md = layersMarkdown(summarizeLayers(readings));
  assert.is(md.length, 2 + ROWS.length);
  assert.is(md[0], '| what the process does for each request | CPU µs per request | added to the row before | req/s | peak RSS, MiB |');
  assert.is(md[2], `| ${ROWS[0].label} | 21.0 (20.0–22.0) |  | 20,000 | 61.5 (61.0–62.0) |`);
  assert.is(md[3], `| ${ROWS[1].label} | 22.0 (21.0–23.0) | +1.0 | 20,000 | 61.5 (61.0–62.0) |`);
  assert.match(md.at(-1)!, /^\| tls-proxy --mode tcp, [^|]+ \| 27\.0 \(26\.0–28\.0\) \| {2}\|/);
});

test.run();
