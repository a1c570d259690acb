// The one driver of the pinned-pod benches (npm run bench:https, npm run bench:mesh): each stack's
// bench (stacks/<stack>/bench/configure.ts) gives it data and small functions: its variants, what it
// sets up (certificates, compose env), its versions and notes, its summaries and its report text. The
// driver does the rest, once: the options, the pod, the rounds (run.ts), the profiling switch,
// --render of a saved run, and writing the report (section.ts) and the raw data (docs/bench-<id>.json).
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { Project } from '../lib/compose.js';
import { ROOT, STATE_DIR, VERSION } from '../lib/config.js';
import { buildFor, imageEnv } from '../lib/images.js';
import { step } from '../lib/progress.js';
import { removeParent } from './cgroup.js';
import { BenchClock, type Conditions } from './conditions.js';
import type { Settings } from './measure.js';
import { BenchPod, LOAD_CGROUP, membersOf, preflight, type Variant } from './pod.js';
import { profileSidecar, type Profiled } from './profile.js';
import { measureAll, type Runs } from './run.js';
import { publish, type Section } from './section.js';

/** The parsed command line: the driver's options and the stack's own. */
export type Values = Record<string, string | boolean | undefined>;

/** What a stack sets up before its pod starts: the compose env, the CA its clients trust, compose profiles. */
export interface Setup {
  env: Record<string, string>;
  ca: string;
  profiles?: string[];
}

/** A run's saved data (docs/bench-<id>.json): at least the conditions, each variant's id and label, and every round's figures. */
export interface Saved {
  conditions: unknown;
  results: { id: string; label: string }[];
  raw: Record<string, Runs>;
}

/** One stack's pinned-pod bench, as the driver runs it: R is its summaries, C its saved conditions, S its setup. */
export interface PodBench<R, C extends Conditions & Settings, S extends Setup = Setup> {
  /** Its section of docs/benchmarks.md; section.id also names npm run bench:<id>, docs/bench-<id>.json and the compose project. */
  section: Section;
  /** The folder of the bench pod's compose.yaml, relative to the repository. */
  compose: string;
  /** Options of its own beside the driver's. */
  options?: ParseArgsConfig['options'];
  /** Every variant it knows (--render finds a saved run's there), those this run measures, and the upstream service. */
  variants(o: Values): { all: Variant[]; run: Variant[]; upstream: string };
  /** Certificates and compose env, under the run's state folder; `images`: the image env (version, base). */
  setup(state: string, o: Values, images: Record<string, string>): Promise<S>;
  /** The versions of what runs in the pod (the conditions block adds sidecar-lab, Node.js and Docker). */
  versions(pod: BenchPod, services: string[]): Promise<Record<string, string>>;
  /** The lines of the conditions block particular to it. */
  notes(o: { cores: Cores; settings: Settings; priority: string }, values: Values): string[];
  /** Idle figures of pod containers that take no traffic (a floor to weigh a sidecar against), before the rounds. */
  floors?(pod: BenchPod): Record<string, number>;
  /** The conditions it saves: the common block, the settings, the number of rounds under its own name, and the floors. */
  conditions(c: Conditions & Settings, rounds: number, floors: Record<string, number>): C;
  /** Saved conditions of any earlier shape in today's (default: as saved). */
  fromSaved?(c: unknown): C;
  summarize(variants: Variant[], runs: Map<string, Runs>): R;
  markdown(r: R, c: C): string;
  /** What docs/bench-<id>.json and --out keep of a run. */
  saved(r: R, c: C, raw: Record<string, Runs>): Saved;
  /** The sidecar to profile instead of measuring, when the options ask for it. */
  profiled?(o: Values, s: S): Profiled | undefined;
}

type Cores = { pod: number; load: number };

const OPTIONS = {
  rounds: { type: 'string' },
  reps: { type: 'string' }, // the former name of --rounds
  seconds: { type: 'string', default: '5' },
  'pod-cpu': { type: 'string', default: '0' },
  'load-cpu': { type: 'string', default: '1' },
  'no-write': { type: 'boolean', default: false },
  'no-build': { type: 'boolean', default: false }, // run the images as they are (e.g. while a Dockerfile is being edited)
  out: { type: 'string' },
  render: { type: 'string' },
} satisfies ParseArgsConfig['options'];

/** The report and raw data of a saved run, summarized again with the labels it was saved with (--render). */
export function renderSaved<R, C extends Conditions & Settings, S extends Setup>(bench: PodBench<R, C, S>, saved: Saved, o: Values = {}) {
  const byId = new Map(bench.variants(o).all.map((v) => [v.id, v]));
  const vs = saved.results.flatMap((r) => (byId.has(r.id) ? [{ ...byId.get(r.id)!, label: r.label }] : []));
  const report = bench.summarize(vs, new Map(Object.entries(saved.raw)));
  const conditions = bench.fromSaved ? bench.fromSaved(saved.conditions) : (saved.conditions as C);
  return { report, conditions, body: bench.markdown(report, conditions), json: bench.saved(report, conditions, saved.raw) };
}

/** The report's destination from the command line: --out FILE, or --no-write. */
const dest = (a: Values) => ({ out: typeof a.out === 'string' ? a.out : undefined, noWrite: a['no-write'] === true });

/** Runs a stack's bench from the command line: --render FILE, --profile (the stack's), or the rounds. */
export async function runPodBench<R, C extends Conditions & Settings, S extends Setup>(bench: PodBench<R, C, S>): Promise<void> {
  const { values: a } = parseArgs({ options: { ...OPTIONS, ...bench.options } }) as { values: Values };
  const id = bench.section.id;
  if (typeof a.render === 'string') {
    const { body, json } = renderSaved(bench, JSON.parse(readFileSync(a.render, 'utf8')) as Saved, a);
    return publish(bench.section, body, json, dest(a));
  }
  const cores = { pod: Number(a['pod-cpu']), load: Number(a['load-cpu']) };
  const seconds = Number(a.seconds);
  const settings: Settings = { seconds, conns: 64, rate: 1000, rateConns: 16, hsConns: 16, hsSeconds: Math.min(4, seconds) };
  const rounds = Number(a.rounds ?? a.reps ?? 5);
  const { run: variants, upstream } = bench.variants(a);

  const problems = await preflight(cores, `npm run bench:${id}`);
  if (problems.length) {
    for (const p of problems) console.error(`✘ ${p}`);
    process.exit(2);
  }

  const clock = new BenchClock();
  const name = `sl-bench-${id}-${randomBytes(3).toString('hex')}`;
  const state = join(STATE_DIR, name);
  mkdirSync(state, { recursive: true });
  // With --no-build nothing is built, so the base image need not be resolved (that may try a registry).
  const images = a['no-build'] ? { SIDECAR_LAB_VERSION: VERSION } : await imageEnv();
  const setup = await bench.setup(state, a, images);
  const env = { ...images, ...setup.env, BENCH_CPU: String(cores.pod) };
  const project = new Project({ project: name, cwd: join(ROOT, bench.compose), files: ['compose.yaml'], env, profiles: setup.profiles });
  const pod = new BenchPod(project, cores, setup.ca);

  let downOnce: Promise<void> | undefined;
  const down = () =>
    (downOnce ??= step(`tearing down ${name}`, async () => {
      await project.down().catch((e: Error) => console.log(`teardown failed: ${e.message}`));
      for (const cg of ['sidecar-lab-bench', LOAD_CGROUP]) removeParent(cg);
      rmSync(state, { recursive: true, force: true });
    }));
  process.once('SIGINT', () => void down().finally(() => process.exit(130)));

  try {
    const services = Object.keys(await project.serviceImages()).filter((s) => s !== 'pod');
    if (!a['no-build']) await buildFor(project);
    const adminPorts = variants.flatMap((v) => membersOf(v).flatMap((m) => (m.adminPort ? [m.adminPort] : [])));
    await step(`up ${name} (pinned to core ${cores.pod})`, () => pod.start(services, adminPorts));
    await step('waiting for every variant to answer GET /1k', () => pod.loadgen('probe', { targets: variants.map((v) => pod.target(v)) }));
    const profiled = bench.profiled?.(a, setup);
    if (profiled) {
      await profileSidecar(pod, profiled, settings.seconds * 2);
      return;
    }
    const versions = await bench.versions(pod, services);
    const floors = bench.floors?.(pod) ?? {};
    const runs = await measureAll(pod, variants, upstream, settings, rounds);
    const report = bench.summarize(variants, runs);
    const notes = bench.notes({ cores, settings, priority: pod.priority }, a);
    const c = bench.conditions({ ...(await clock.finish({ versions, notes })), ...settings }, rounds, floors);
    const raw = Object.fromEntries(runs);
    publish(bench.section, bench.markdown(report, c), bench.saved(report, c, raw), dest(a));
  } finally {
    await down();
  }
}
