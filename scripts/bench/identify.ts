// npm run bench:identify [-- --no-write]: a cold `identify --json` (a new Node process, so start-up counts)
// over 1,000 generated Compose files and Kubernetes streams of 2–20 services each (identify-corpus.ts), five
// times. Goal: ≤ 2 s. Writes the bench:identify section of docs/benchmarks.md, unless --no-write.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DIST } from '../lib/config.js';
import { BenchClock } from './conditions.js';
import { goalTable } from './goals.js';
import { writeTree } from './identify-corpus.js';
import { renderSection, writeSection } from './section.js';
import { spread } from './stats.js';

const USAGE = 'usage: npm run bench:identify [-- --no-write]';
let noWrite = false;
try {
  const { values } = parseArgs({ options: { 'no-write': { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  noWrite = values['no-write'];
} catch (e) {
  console.error(`bench:identify: ${(e as Error).message.split('\n')[0]}\n${USAGE}`);
  process.exit(2);
}

const FILES = 1000;
const ROUNDS = 5;
const clock = new BenchClock();
const dir = mkdtempSync(join(tmpdir(), 'bench-identify-'));
try {
  const services = writeTree(dir, FILES);
  const times: number[] = [];
  let summary = '';
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [join(DIST, 'scripts', 'identify.js'), '--json', dir], { encoding: 'utf8', maxBuffer: 1 << 30 });
    times.push((performance.now() - t0) / 1000);
    if (r.status !== 0) throw new Error(`identify exited ${r.status}: ${r.stderr.split('\n')[0]}`);
    const out = JSON.parse(r.stdout) as { files: unknown[]; skipped: unknown[]; groups: { containers: unknown[] }[] };
    summary = `${out.files.length} files read, ${out.skipped.length} skipped, ${out.groups.length} groups, ${out.groups.reduce((n, g) => n + g.containers.length, 0)} containers`;
    clock.sample();
  }
  const got = spread(times);
  const conditions = await clock.finish({
    notes: [`Generated: ${FILES} files, ${services} services or containers in all (seed 23); identify found ${summary}.`],
  });
  const lead = `A cold \`node dist/scripts/identify.js --json DIR\` (Node start-up included) over ${FILES} generated Compose files (each with a .env beside it) and Kubernetes streams of 2–20 services each, ${ROUNDS} runs, wall time.`;
  const table = goalTable([{ text: `${FILES} files, cold, ≤ 2 s`, got, op: '≤', limit: 2, fmt: (v) => `${v.toFixed(2)} s` }]);
  if (!noWrite)
    writeSection(
      { id: 'identify', title: 'identify over 1,000 files, cold', source: 'scripts/bench/identify.ts' },
      renderSection({ lead, conditions, results: table }),
    );
  console.log(table.join('\n'));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
