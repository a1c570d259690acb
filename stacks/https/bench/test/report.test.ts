import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT } from '../../../../scripts/lib/config.js';
import { renderSaved, type Saved } from '../../../../scripts/bench/driver.js';
import { HTTPS_BENCH } from '../configure.js';

const test = suite('bench:https report');
const saved = JSON.parse(readFileSync(join(ROOT, 'docs', 'bench-https.json'), 'utf8')) as Saved;

test('the checked-in docs/bench-https.json renders again (--render), in the common layout with its conditions and numbers kept', () => {
  const { report: rows, conditions, body: text } = renderSaved(HTTPS_BENCH, saved);
  assert.ok(
    text.startsWith(`Each figure: median of ${conditions.reps} rounds (min–max).\n\n**Conditions.**\n\n- Date: ${conditions.date}; `),
    text.slice(0, 300),
  );
  assert.match(text, /^- Load: 1-minute load average \d+\.\d at the start, \d+\.\d at the end\.$/m);
  assert.match(text, /^- Pinning: every container of the bench pod/m);
  assert.match(text, /^- Load generators: throughput: wrk -t1/m);
  const tcp = rows.find((r) => r.id === 'ours-tcp')!;
  assert.ok(
    text.includes(`| tls-proxy --mode tcp (L4) | ${Math.round(tcp.throughputRps.median).toLocaleString('en-US')} `),
    'the tcp row keeps its measured req/s',
  );
});

test('a run saved before the L4 references existed renders with its tcp-mode ratios n/a, never against nginx http', () => {
  const l4 = ['nginx-stream', 'haproxy-tcp'];
  const before: Saved = {
    ...saved,
    results: saved.results.filter((r) => !l4.includes(r.id)),
    raw: Object.fromEntries(Object.entries(saved.raw).filter(([id]) => !l4.includes(id))),
  };
  const { body: text } = renderSaved(HTTPS_BENCH, before);
  const tcpRow = text.split('\n').find((l) => l.startsWith('| tls-proxy --mode tcp (L4) | '))!;
  assert.match(tcpRow, /^\| tls-proxy --mode tcp \(L4\) \| [\d,]+ \([\d,]+–[\d,]+\) \| n\/a \| n\/a \|/);
  assert.match(text, /^\| tcp mode throughput ≥ 1\.0× nginx stream \| n\/a \| n\/a \|$/m);
  assert.match(text, /^\| http mode throughput ≥ 1\.0× nginx http \| \d\.\d\d× \(/m);
  assert.match(text, /Every round measures every variant back to back/);
});

test.run();
