import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT } from '../../../../scripts/lib/config.js';
import { markdown, savedReport, type SavedRun } from '../report.js';
import { variantsFor } from '../setup.js';

const test = suite('bench:https report');
const saved = JSON.parse(readFileSync(join(ROOT, 'docs', 'bench-https.json'), 'utf8')) as SavedRun;

test('the checked-in docs/bench-https.json renders again (--render), in the common layout with its conditions and numbers kept', () => {
  const { rows, conditions } = savedReport(saved, variantsFor(true));
  const text = markdown(rows, conditions);
  assert.ok(
    text.startsWith(`Each figure: median of ${conditions.reps} repetitions (min–max).\n\n**Conditions.**\n\n- Date: ${conditions.date}; `),
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

test.run();
