// npm run bench:lab [-- --no-write] [--stacks a,b]: the lab with one stack up (https), then with every stack up (or
// those named), each a run of its own, and the built lab, on Node and on Bun. Measures, side by side in one run:
// - what the stacks cost the machine at rest, before any lab starts (busy share of every core, /proc/stat, 20 s);
// - load: from navigation to the Pods view drawn with every pod, in headless Chromium, fresh page, 5 loads per phase,
//   and how much of it the page waited for GET /api/stacks; and, in 5 more loads, from navigation until the page
//   answers a click (the Timeline tab selected);
// - the server's own read of every pod (GET /api/stacks?fresh=1: a read begun after the request), 5 times per phase;
// - the lab server's RSS (VmRSS, and its peak VmHWM) with no viewer, with one and with five viewers open;
// - the lab server's CPU, idle, with no viewer, one and five viewers, 20 s each (utime + stime from /proc), each window
//   from the end of the read of the pods a page load may have left under way (GET /api/stacks?fresh=1), and what the
//   live stream told each viewer in it, counted on a stream of the bench's own that asks for nothing;
// Goals: interactive within 1 s, ≤ 60 MB RSS, < 2% of a core idle, on the runtime `npm run lab` uses. Writes its
// section of docs/benchmarks.md.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type Browser, openBrowser } from '../lib/browser.js';
import { ROOT } from '../lib/config.js';
import { downStack, upStack } from '../lib/lifecycle.js';
import { stackNames } from '../lib/scenarios.js';
import { teardownOnce } from '../lib/teardown.js';
import { NODE_FLAGS } from '../lib/lab/args.js';
import { spawnLab, type SpawnedLab } from '../lib/lab/spawn.js';
import { BenchClock } from './conditions.js';
import { goalTable, single } from './goals.js';
import {
  IDLE_S,
  idleCpu,
  type Load,
  type Ours,
  LOADS,
  load,
  ourPods,
  serverReads,
  settled,
  stacksCpu,
  status,
  toldText,
  watchLongTasks,
} from './lab-measure.js';
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

/** The runtimes the lab server is measured on: the first is the one `npm run lab` uses. */
const RUNTIMES = [
  { name: 'Node', bin: process.execPath },
  { name: 'Bun', bin: join(ROOT, 'node_modules', '.bin', 'bun') },
];

interface Phase {
  label: string;
  runtime: string;
  pods: number;
  loads: Load[];
  reads: number[];
}

async function phase(label: string, runtime: string, lab: SpawnedLab, b: Browser): Promise<Phase> {
  const ours = await ourPods(
    lab,
    projects.map(([, p]) => p),
  );
  const pods = ours.pods;
  const reads = await serverReads(lab);
  const loads: Load[] = [];
  for (let i = 0; i < LOADS; i++) loads.push(await load(b, lab.url, ours));
  return { label, runtime, pods, loads, reads };
}

interface Server {
  runtime: string;
  cpu: Record<string, number>;
  told: Record<string, string>;
  rss: Record<string, number>;
  peak: number;
}

/** The server at rest, every stack up: its CPU and memory with one viewer (the first), five, and none. */
async function atRest(runtime: string, lab: SpawnedLab, first: Browser, ours: Ours): Promise<Server> {
  const pid = lab.child.pid!;
  const more: Browser[] = [];
  const cpu: Record<string, number> = {};
  const told: Record<string, string> = {};
  const idle = async (k: string) => {
    const w = await idleCpu(lab);
    cpu[k] = w.cpu;
    told[k] = toldText(w.told);
  };
  const rss: Record<string, number> = {};
  try {
    await settled(lab);
    await idle('one');
    rss.one = status(pid, 'VmRSS');
    for (let i = 1; i < 5; i++) {
      const b = await openBrowser({ width: 1280, height: 900 });
      more.push(b);
      await watchLongTasks(b);
      await load(b, lab.url, ours);
    }
    await settled(lab);
    await idle('five');
    rss.five = status(pid, 'VmRSS');
  } finally {
    for (const v of more) await v.close();
  }
  await first.page.goto('about:blank');
  await settled(lab);
  await idle('none');
  rss.none = status(pid, 'VmRSS');
  return { runtime, cpu, told, rss, peak: status(pid, 'VmHWM') };
}

const clock = new BenchClock();
const projects: [string, string][] = [];
const labs: SpawnedLab[] = [];
let viewer: Browser | undefined;
const finish = teardownOnce(async () => {
  await viewer?.close();
  for (const l of labs) await l.stop();
  for (const [stack, project] of projects.reverse()) await downStack(stack, project).catch(() => undefined);
});
try {
  // First one stack (https when it is asked for), then all of them: the same measures side by side.
  const one = wanted.includes('https') ? 'https' : wanted[0]!;
  projects.push([one, (await upStack(one)).project]);
  viewer = await openBrowser({ width: 1280, height: 900 });
  await watchLongTasks(viewer);
  const phases: Phase[] = [];
  for (const r of RUNTIMES) {
    const lab = await spawnLab([], process.env, r.bin);
    labs.push(lab);
    phases.push(await phase(`${one} alone`, r.name, lab, viewer));
    await labs.pop()!.stop();
  }
  clock.sample();
  for (const s of wanted.filter((w) => w !== one)) projects.push([s, (await upStack(s)).project]);
  const all = `${wanted.length === stackNames().length ? 'every stack' : wanted.join(', ')}`;
  const rest = await stacksCpu(
    projects.map(([, p]) => p),
    IDLE_S,
  );
  const servers: Server[] = [];
  for (const r of RUNTIMES) {
    const lab = await spawnLab([], process.env, r.bin);
    labs.push(lab);
    const p = await phase(all, r.name, lab, viewer);
    phases.push(p);
    servers.push(
      await atRest(
        r.name,
        lab,
        viewer,
        await ourPods(
          lab,
          projects.map(([, pr]) => pr),
        ),
      ),
    );
    await labs.pop()!.stop();
    clock.sample();
  }
  const pods = phases.at(-1)!.pods;
  const conditions = await clock.finish({
    notes: [
      `Stacks up: ${wanted.join(', ')} (${projects.length} projects, ${pods} pods), each idle (no load), their health checks every 2 s (the pod every 5 s). At rest, before any lab started, their ${rest.count} containers used ${rest.containers.toFixed(0)}% of a core (their cgroups, health checks included) and dockerd with containerd ${rest.engine.toFixed(0)}%, over ${IDLE_S} s. Other engineers' work shared the machine.`,
      `The lab: dist/scripts/lab.js, one engine event stream, on ${RUNTIMES.map((r) => r.name).join(' and on ')} in turn (${RUNTIMES[0]!.name} is what \`npm run lab\` runs), one at a time.`,
      `Viewers: headless Chromium pages (playwright-core) on the same 2 cores, each with the live stream open; ${LOADS} fresh loads in the first, in each phase; its long tasks recorded by a PerformanceObserver, and the pods drawn at each frame after a change of the DOM by a MutationObserver, both from before the page's own script, so that the bench runs none of its own in the page while it loads; each load ending with the answer to the page's own GET /api/stacks once its live stream is open, and each idle window from the end of any read of the pods a load left under way (a fresh read waits for it), with one live stream of the bench's own open through it, which counts the stream's messages and asks for nothing; the lab's Node with the flags \`npm run lab\` gives it (${NODE_FLAGS.join(' ')}).`,
    ],
  });
  const lead = `The lab with one stack, then with ${all} up, on two runtimes: page load to the Pods view drawn with every pod and to the main thread free after it (${LOADS} loads), the server's own read of the pods (GET /api/stacks?fresh=1), its resident memory and its idle CPU over ${IDLE_S} s with one, five and no viewers.`;
  const ms = (v: number) => `${v.toFixed(0)} ms`;
  const med = (xs: number[]) => spread(xs).median;
  const main = servers[0]!;
  const mainAll = phases.find((p) => p.runtime === main.runtime && p.label === all)!;
  const table = goalTable([
    {
      text: `interactive: every pod drawn and the main thread free, from navigation, ≤ 1 s (${all}, lab on ${main.runtime})`,
      got: spread(mainAll.loads.map((l) => l.interactive / 1000)),
      op: '≤',
      limit: 1,
      fmt: (v) => ms(v * 1000),
    },
    {
      text: `server RSS with five viewers, ≤ 60 MB (${main.runtime})`,
      got: single(main.rss.five!),
      op: '≤',
      limit: 60,
      fmt: (v) => `${v.toFixed(1)} MB`,
    },
    {
      text: `server CPU idle with one viewer, < 2% of a core (${main.runtime})`,
      got: single(main.cpu.one!),
      op: '≤',
      limit: 2,
      fmt: (v) => `${v.toFixed(2)}%`,
    },
  ]);
  const sideBySide = [
    '',
    "| stacks up | lab on | pods | interactive | Pods view drawn | of which the page waits for GET /api/stacks (0: its HTML carried the pods) | the server's read alone |",
    '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
    ...phases.map(
      (p) =>
        `| ${p.label} | ${p.runtime} | ${p.pods} | ${showSpread(spread(p.loads.map((l) => l.interactive)), ms)} | ${showSpread(spread(p.loads.map((l) => l.drawn)), ms)} | ${showSpread(spread(p.loads.map((l) => l.api)), ms)} | ${showSpread(spread(p.reads), ms)} |`,
    ),
    '',
    ...RUNTIMES.map((r) => {
      const [a, b] = phases.filter((p) => p.runtime === r.name);
      return `Ratio on ${r.name}, ${all} to ${one} alone: drawn ${(med(b!.loads.map((l) => l.drawn)) / med(a!.loads.map((l) => l.drawn))).toFixed(2)}×, server read ${(med(b!.reads) / med(a!.reads)).toFixed(2)}×.`;
    }),
    '',
    `| viewers (${all} up) | ${servers.map((v) => `RSS on ${v.runtime} | idle CPU on ${v.runtime} | the live stream told each viewer`).join(' | ')} |`,
    `| --- | ${servers.map(() => '---: | ---: | ---').join(' | ')} |`,
    ...(['one', 'five', 'none'] as const).map(
      (k) => `| ${k} | ${servers.map((v) => `${v.rss[k]!.toFixed(1)} MB | ${v.cpu[k]!.toFixed(2)}% | ${v.told[k]}`).join(' | ')} |`,
    ),
    '',
    `Peak RSS (VmHWM) over the run: ${servers.map((v) => `${v.peak.toFixed(1)} MB on ${v.runtime}`).join(', ')}.`,
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
