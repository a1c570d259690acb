// npm run bench:lab [-- --no-write] [--stacks a,b]: the lab with one stack up (https), then with every stack up (or
// those named), each a run of its own, and the built lab. Measures, side by side in one run:
// - load: from navigation to the Pods view drawn with every pod, in headless Chromium, fresh page, 5 loads per phase,
//   and how much of it the page waited for GET /api/stacks;
// - the server's own read of every pod (GET /api/stacks), 5 times per phase;
// - the lab server's RSS (VmRSS, and its peak VmHWM) with no viewer, with one and with five viewers open;
// - the lab server's CPU, idle, with no viewer, one and five viewers, 20 s each (utime + stime from /proc).
// Goals: interactive within 1 s, ≤ 60 MB RSS, < 2% of a core idle. Writes its section of docs/benchmarks.md.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { sleep } from 'zx';
import { type Browser, openBrowser } from '../lib/browser.js';
import { downStack, upStack } from '../lib/lifecycle.js';
import { stackNames } from '../lib/scenarios.js';
import { teardownOnce } from '../lib/teardown.js';
import { spawnLab, type SpawnedLab } from '../lib/test/lab-browser-support.js';
import { BenchClock } from './conditions.js';
import { goalTable, single } from './goals.js';
import { renderSection, writeSection } from './section.js';
import { showSpread, spread } from './stats.js';

const USAGE = 'usage: npm run bench:lab [-- --no-write] [--stacks https,topz,...]';
let noWrite = false;
let wanted: string[] = [];
try {
  const { values } = parseArgs({
    options: { 'no-write': { type: 'boolean', default: false }, stacks: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  noWrite = values['no-write'];
  wanted = values.stacks ? values.stacks.split(',') : stackNames();
  const unknown = wanted.filter((s) => !stackNames().includes(s));
  if (unknown.length) throw new Error(`--stacks: no stack named ${unknown.join(', ')} (stacks: ${stackNames().join(', ')})`);
} catch (e) {
  console.error(`bench:lab: ${(e as Error).message.split('\n')[0]}\n${USAGE}`);
  process.exit(2);
}

const LOADS = 5;
const IDLE_S = 20;
const TICK = 100; // clock ticks per second (getconf CLK_TCK on Linux)

const status = (pid: number, key: string) =>
  Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;
const cpuTicks = (pid: number) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]); // utime, stime: fields 14 and 15
};

/** The lab's CPU over a window in which nothing is asked of it, as % of one core. */
async function idleCpu(pid: number): Promise<number> {
  const [t0, c0] = [performance.now(), cpuTicks(pid)];
  await sleep(IDLE_S * 1000); // a measuring window, not a wait for an event
  return (((cpuTicks(pid) - c0) / TICK) * 100) / ((performance.now() - t0) / 1000);
}

/** Opens the page and waits for every pod: ms from navigation start to the drawing, and the page's own wait for
 * GET /api/stacks (Resource Timing), as the page measures them. */
async function load(b: Browser, url: string, pods: number): Promise<{ drawn: number; api: number }> {
  await b.page.goto('about:blank');
  await b.page.goto(url);
  await b.page.waitForFunction((n) => document.querySelectorAll('article.pod').length >= n, pods, { timeout: 30_000, polling: 'raf' });
  return b.page.evaluate(() => ({
    drawn: performance.now(),
    api: performance.getEntriesByType('resource').find((e) => e.name.endsWith('/api/stacks'))?.duration ?? Number.NaN,
  }));
}

const authorized = (lab: SpawnedLab) => ({ headers: { authorization: `Bearer ${lab.token}` } });
const podCount = async (lab: SpawnedLab) =>
  (
    (await (await fetch(`http://127.0.0.1:${lab.port}/api/stacks`, authorized(lab))).json()) as { stacks: { pods: unknown[] }[] }
  ).stacks.reduce((n, s) => n + s.pods.length, 0);

/** The server's read of every pod, as the first viewer after an event gets it (its kept read expired), 5 times. */
async function serverReads(lab: SpawnedLab): Promise<number[]> {
  const reads: number[] = [];
  for (let i = 0; i < LOADS; i++) {
    await sleep(2100); // past the server's 2 s reuse of a read: a measuring gap, not a wait for an event
    const t0 = performance.now();
    await (await fetch(`http://127.0.0.1:${lab.port}/api/stacks`, authorized(lab))).text();
    reads.push(performance.now() - t0);
  }
  return reads;
}

interface Phase {
  label: string;
  pods: number;
  loads: { drawn: number; api: number }[];
  reads: number[];
}

async function phase(label: string, lab: SpawnedLab, b: Browser): Promise<Phase> {
  const pods = await podCount(lab);
  const reads = await serverReads(lab);
  const loads = [];
  for (let i = 0; i < LOADS; i++) loads.push(await load(b, lab.url, pods));
  return { label, pods, loads, reads };
}

const clock = new BenchClock();
const projects: [string, string][] = [];
let lab: SpawnedLab | undefined;
const viewers: Browser[] = [];
const finish = teardownOnce(async () => {
  for (const v of viewers) await v.close();
  await lab?.stop();
  for (const [stack, project] of projects.reverse()) await downStack(stack, project).catch(() => undefined);
});
try {
  // First one stack (https when it is asked for), then all of them: the same measures side by side.
  const one = wanted.includes('https') ? 'https' : wanted[0]!;
  projects.push([one, (await upStack(one)).project]);
  lab = await spawnLab();
  const pid = lab.child.pid!;
  const first = await openBrowser({ width: 1280, height: 900 });
  viewers.push(first);
  const phases = [await phase(`${one} alone`, lab, first)];
  clock.sample();
  for (const s of wanted.filter((w) => w !== one)) projects.push([s, (await upStack(s)).project]);
  phases.push(await phase(`${wanted.length === stackNames().length ? 'every stack' : wanted.join(', ')}`, lab, first));
  clock.sample();
  const cpu: Record<string, number> = {};
  const rss: Record<string, number> = {};
  cpu.one = await idleCpu(pid);
  rss.one = status(pid, 'VmRSS');
  for (let i = 1; i < 5; i++) {
    const b = await openBrowser({ width: 1280, height: 900 });
    viewers.push(b);
    await load(b, lab.url, phases[1]!.pods);
  }
  cpu.five = await idleCpu(pid);
  rss.five = status(pid, 'VmRSS');
  for (const v of viewers.splice(0)) await v.close();
  cpu.none = await idleCpu(pid);
  rss.none = status(pid, 'VmRSS');
  const peak = status(pid, 'VmHWM');
  clock.sample();
  const all = phases[1]!;
  const conditions = await clock.finish({
    notes: [
      `Stacks up: ${wanted.join(', ')} (${projects.length} projects, ${all.pods} pods), each idle (no load), their health checks every second. The lab: node dist/scripts/lab.js, one engine event stream.`,
      `Viewers: headless Chromium pages (playwright-core) on the same 2 cores, each with the live stream open; ${LOADS} fresh loads in the first, in each phase.`,
    ],
  });
  const lead = `The lab with one stack, then with ${all.label} up: page load to the Pods view drawn with every pod (${LOADS} loads), the server's own read of the pods, its resident memory and its idle CPU over ${IDLE_S} s with one, five and no viewers.`;
  const ms = (v: number) => `${v.toFixed(0)} ms`;
  const med = (xs: number[]) => spread(xs).median;
  const table = goalTable([
    {
      text: `Pods view drawn, from navigation, ≤ 1 s (${all.label})`,
      got: spread(all.loads.map((l) => l.drawn / 1000)),
      op: '≤',
      limit: 1,
      fmt: (v) => ms(v * 1000),
    },
    { text: 'server RSS with five viewers, ≤ 60 MB', got: single(rss.five), op: '≤', limit: 60, fmt: (v) => `${v.toFixed(1)} MB` },
    { text: 'server CPU idle with one viewer, < 2% of a core', got: single(cpu.one), op: '≤', limit: 2, fmt: (v) => `${v.toFixed(2)}%` },
  ]);
  const sideBySide = [
    '',
    "| stacks up | pods | Pods view drawn | of which the page waits for GET /api/stacks | the server's read alone |",
    '| --- | ---: | ---: | ---: | ---: |',
    ...phases.map(
      (p) =>
        `| ${p.label} | ${p.pods} | ${showSpread(spread(p.loads.map((l) => l.drawn)), ms)} | ${showSpread(spread(p.loads.map((l) => l.api)), ms)} | ${showSpread(spread(p.reads), ms)} |`,
    ),
    '',
    `Ratio, every stack to one: drawn ${(med(all.loads.map((l) => l.drawn)) / med(phases[0]!.loads.map((l) => l.drawn))).toFixed(2)}×, server read ${(med(all.reads) / med(phases[0]!.reads)).toFixed(2)}×.`,
    '',
    '| viewers (every stack up) | RSS | idle CPU (% of a core) |',
    '| --- | ---: | ---: |',
    ...(['one', 'five', 'none'] as const).map((k) => `| ${k} | ${rss[k]!.toFixed(1)} MB | ${cpu[k]!.toFixed(2)}% |`),
    '',
    `Peak RSS (VmHWM) over the run: ${peak.toFixed(1)} MB.`,
  ];
  if (!noWrite)
    writeSection(
      { id: 'lab', title: 'the lab with every stack up: load time, memory and idle CPU', source: 'scripts/bench/lab.ts' },
      renderSection({ lead, conditions, results: [...table, ...sideBySide] }),
    );
  console.log([...table, ...sideBySide].join('\n'));
} finally {
  await finish();
}
