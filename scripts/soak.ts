// npm run soak -- <stack> [--minutes N] [--no-write]
// A long run of one stack: steady load through it while it rotates what it rotates (stacks/<name>/soak.ts
// says what), every sidecar sampled every 10 s (resident memory, open descriptors, error lines) and one
// line printed a minute; at the end, each sidecar's memory growth after warm-up, its descriptors, and the
// failed requests and lost lines, against the goals (scripts/lib/soak/report.ts). A run of 15 minutes or
// more writes the soak:<stack> section of docs/benchmarks.md. Exit 1 when a goal is missed.
import { parseArgs } from 'node:util';
import { sleep } from 'zx';
import { BenchClock } from './bench/conditions.js';
import { renderSection, writeSection } from './bench/section.js';
import { withStack } from './lib/lifecycle.js';
import { loadSoak, soakNames } from './lib/scenarios.js';
import { markdown, minuteLine, type Timed, verdict } from './lib/soak/report.js';
import { type Sample, sample } from './lib/soak/sample.js';
import type { MinuteCounts } from './lib/stack-types.js';

const USAGE = `usage: npm run soak -- <${soakNames().join('|')}> [--minutes N] [--no-write]`;
const { values: a, positionals } = parseArgs({
  allowPositionals: true,
  options: { minutes: { type: 'string', default: '30' }, 'no-write': { type: 'boolean', default: false } },
});
const stack = positionals[0];
const minutes = Number(a.minutes);
if (positionals.length !== 1 || !stack || !Number.isInteger(minutes) || minutes < 1 || minutes > 24 * 60) {
  console.error(`${USAGE}\n(--minutes is a whole number from 1 to 1440)`);
  process.exit(2);
}
const soak = await loadSoak(stack).catch((e: Error) => {
  console.error(`${e.message}\n${USAGE}`);
  process.exit(2);
});

const clock = new BenchClock();
const SAMPLE_MS = 10_000;
const v = await withStack(stack, async (ctx) => {
  const timed: Timed[] = [];
  const counts: MinuteCounts[] = [];
  console.log(`soak ${stack} for ${minutes} minutes: ${soak.load}`);
  for (let i = 1; i <= minutes; i++) {
    // The minute's load and, beside it, a sample every 10 s until the load is over.
    const samples: Sample[][] = [];
    const t0 = Date.now();
    let over = false;
    const load = soak.minute(ctx, i).finally(() => (over = true));
    while (!over) {
      samples.push(await sample(ctx.project, soak.sidecars));
      clock.sample();
      await Promise.race([load.catch(() => {}), sleep(SAMPLE_MS)]);
    }
    const c = await load;
    counts.push(c);
    for (const s of samples) timed.push({ minute: i, samples: s });
    console.log(minuteLine(i, c, samples.at(-1)!, (Date.now() - t0) / 1000));
  }
  return verdict(timed, counts, minutes, await soak.finish?.(ctx));
});

const body = markdown(v);
console.log(`\n${body.join('\n')}`);
if (minutes >= 15 && !a['no-write']) {
  const conditions = await clock.finish({
    notes: [`Load: ${soak.load}`, 'Sampled: every 10 s, from /proc/<pid> of each sidecar on the host'],
  });
  const section = {
    id: `soak-${stack}`,
    title: `${stack} for ${minutes} minutes`,
    source: 'scripts/soak.ts',
    command: `npm run soak -- ${stack}`,
  };
  writeSection(
    section,
    renderSection({ lead: `Steady load through the ${stack} stack while it rotates, every sidecar sampled.`, conditions, results: body }),
  );
  console.log(`wrote the soak-${stack} section of docs/benchmarks.md`);
}
process.exit(v.missed.length ? 1 : 0);
