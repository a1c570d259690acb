// The parts `npm test` runs, each timed and counted: the lint and unused-code checks, the image build, the
// uvu groups (each on the runtime its code ships with), and the stacks. A part's output is held until it
// ends, so parts that run side by side print whole. docs/test-times.md has one row for each PART.
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { $, type Duration } from 'zx';
import { BUN_PROGRAMS } from './bundle.js';
import { DIST, ROOT } from './config.js';
import { exerciseStacks } from './scenarios.js';

export interface Count {
  passed: number;
  failed: number;
}

export interface Timed extends Count {
  part: string;
  seconds: number;
  /** The lines of its output that name a failure (uvu's `FAIL`, a check's `✘`), each with the lines under it. */
  failures: string[];
}

/** Unit test files that need a Docker engine end in `.docker.test.ts`; they run once the images are built. */
export const DOCKER_TESTS = '\\.docker\\.test\\.js$';
/** Those that drive Chromium (`.browser.docker.test.ts`) are a part of their own, beside a stack. */
const BROWSER_TESTS = '\\.browser\\.docker\\.test\\.js$';
/** The exercises' proof (`exercises.docker.test.ts`: a stack up, each exercise solved and reset): a part per
 * lesson (EXERCISE_STACKS), each with a time limit of its own and the machine to itself (scripts/test.ts). */
const EXERCISE_TESTS = '(^|/)exercises\\.docker\\.test\\.js$';
/** The other Docker tests, in two parts that run beside each other (in one, on a busy machine, they outgrew the
 * 15-minute limit of a part): those that bring the https stack up as `up` does, one after another, since the verbs
 * stack-check tests act on the newest such run (doctor's smoke is one), and the rest (images, inject, the CI
 * recipe), whose projects are their own. */
const RUN_TESTS = '(^|/)(stack-check|verify|verify-input|doctor-room)\\.docker\\.test\\.js$';
/** The room bundle's proof (a bundle made, then loaded into a second engine with no network, and the https stack
 * run there): a part of its own, beside the others. */
const ROOM_TESTS = '(^|/)room-bundle\\.docker\\.test\\.js$';
/** Tests of images of another architecture, run under emulation (`.emulated.docker.test.ts`): slow, so `npm run
 * test:arm64` runs them, never `npm test`. */
const EMULATED_TESTS = '\\.emulated\\.docker\\.test\\.js$';

/** The parts, by the names docs/test-times.md gives them, in the order their results are printed. */
export const PARTS = {
  lint: 'lint and format (biome)',
  knip: 'unused files, exports and dependencies (knip)',
  images: 'build every catalogue image',
  node: 'unit: scripts, stacks and docs (Node)',
  sidecars: 'unit: sidecars (Bun)',
  programs: (image: string) => `unit: ${image} (Bun)`,
  docker: (runs: boolean) => `unit: with Docker, ${runs ? 'runs of the https stack' : 'images, inject and the CI recipe'} (Node)`,
  room: 'unit: with Docker, a room bundle loaded with the network cut (Node)',
  browser: 'unit: the lab in Chromium (Node)',
  exercises: (stack: string) => `unit: the ${stack} exercises solved and reset (Node)`,
  desktop: (stack: string) => `stack: ${stack}, from a runner without the host’s /proc`,
  stack: (name: string) => `stack: ${name}`,
  /** The break-it exercises (`test --break NAME`), in two parts: those of the stacks that must run alone, alone. */
  breaks: (alone: boolean) => `break-it exercises: each turns its check red (${alone ? 'stacks that run alone' : 'the other stacks'})`,
};

/** A command in the repository whose output is held for the part's log, and whose exit code is read, not
 * thrown; bounded when a limit is given (then a hang ends as a failure, not as CI's own time-out). */
const held = (timeout?: Duration, env?: Record<string, string>) =>
  $({
    cwd: ROOT,
    nothrow: true,
    verbose: false,
    quiet: true,
    ...(timeout ? { timeout } : {}),
    ...(env ? { env: { ...process.env, ...env } } : {}),
  });

const plain = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '');

/** Runs one part, timed; its output is printed when it ends (with `▶ name` first). A throw is one failure. */
export async function part(name: string, fn: (log: (text: string) => void) => Promise<Count>): Promise<Timed> {
  const t0 = Date.now();
  const out: string[] = [];
  let count: Count;
  try {
    count = await fn((text) => out.push(text));
  } catch (e) {
    out.push(`✘ ${(e as Error).message}\n`);
    count = { passed: 0, failed: 1 };
  }
  const seconds = Math.round((Date.now() - t0) / 1000);
  const text = out.join('');
  process.stdout.write(`\n▶ ${name} (${seconds} s)\n${text}`);
  return { part: name, seconds, ...count, failures: count.failed ? failureLines(plain(text)) : [] };
}

/** Where a part's output says what failed: each line that starts with `✘` or uvu's `FAIL`, with the (indented)
 * EXPECTED and RECEIVED lines under it, at most `under` of them. So that the end of a long log names each failure. */
export function failureLines(text: string, under = 6): string[] {
  const lines = text.split('\n');
  const found: string[] = [];
  lines.forEach((line, i) => {
    if (!/^\s*(✘|FAIL\s)/.test(line)) return;
    const more = [];
    for (const next of lines.slice(i + 1, i + 1 + under)) {
      if (!/^\s{4,}\S/.test(next) || /^\s*(✘|✔|FAIL\s)/.test(next)) break;
      more.push(next);
    }
    found.push([line.trimEnd(), ...more.map((l) => l.trimEnd())].join('\n'));
  });
  return found;
}

/** A command that is one check: it passes when it exits 0; its output is shown when it fails. */
export async function commandCheck(log: (t: string) => void, cmd: string[], ok: string, hint: string): Promise<Count> {
  const r = await held()`${cmd}`;
  if (r.exitCode === 0) {
    log(`  ✔ ${ok}\n`);
    return { passed: 1, failed: 0 };
  }
  log(plain(r.stdout + r.stderr));
  log(`  ✘ ${hint}\n`);
  return { passed: 0, failed: 1 };
}

const uvu = join(ROOT, 'node_modules', 'uvu', 'bin.js');
const bun = join(ROOT, 'node_modules', '.bin', 'bun');
const dist = relative(ROOT, DIST);

export interface UnitGroup {
  name: string;
  bin: string;
  dir: string;
  pattern: string;
  ignore: string[];
  /** What the group's process gets beside the environment. */
  env?: Record<string, string>;
  /** How long it may take before it is ended as a failure (default 15 minutes). */
  limit?: Duration;
}

/** A lesson's exercises proven: the group runs them alone (EXERCISE_STACKS in its env). */
interface ExerciseGroup extends UnitGroup {
  /** The lesson whose exercises it proves. */
  stack: string;
}

/** The uvu groups: the sidecars and the stacks' Bun programs on Bun; the rest on Node, split by whether a file
 * needs Docker, and whether it also drives a browser. */
export function unitGroups(): { node: UnitGroup; docker: UnitGroup[]; browser: UnitGroup; exercises: ExerciseGroup[]; bun: UnitGroup[] } {
  const test = '\\.test\\.js$';
  const notBun = ['-i', '^sidecars$', ...BUN_PROGRAMS.flatMap((p) => ['-i', `^${p.dir}$`])];
  return {
    node: { name: PARTS.node, bin: process.execPath, dir: dist, pattern: test, ignore: [...notBun, '-i', DOCKER_TESTS] },
    docker: [
      { name: PARTS.docker(true), bin: process.execPath, dir: dist, pattern: RUN_TESTS, ignore: notBun },
      {
        name: PARTS.docker(false),
        bin: process.execPath,
        dir: dist,
        pattern: DOCKER_TESTS,
        ignore: [...notBun, '-i', BROWSER_TESTS, '-i', EXERCISE_TESTS, '-i', RUN_TESTS, '-i', ROOM_TESTS, '-i', EMULATED_TESTS],
      },
      { name: PARTS.room, bin: process.execPath, dir: dist, pattern: ROOM_TESTS, ignore: notBun },
    ],
    browser: { name: PARTS.browser, bin: process.execPath, dir: dist, pattern: BROWSER_TESTS, ignore: notBun },
    exercises: exerciseStacks().map((stack) => ({
      name: PARTS.exercises(stack),
      stack,
      bin: process.execPath,
      dir: dist,
      pattern: EXERCISE_TESTS,
      ignore: notBun,
      env: { EXERCISE_STACKS: stack },
      // config's proof outgrew 15 minutes in a fresh-clone run at a load average of 20 (291 s in a quieter one).
      limit: '25m',
    })),
    bun: [
      { name: PARTS.sidecars, bin: bun, dir: join(dist, 'sidecars'), pattern: test, ignore: [] },
      ...BUN_PROGRAMS.map((p) => ({ name: PARTS.programs(p.image), bin: bun, dir: join(dist, p.dir), pattern: test, ignore: [] })),
    ],
  };
}

/** Runs a uvu group and counts its tests from uvu's summary; a group whose summary is missing is a failure. */
export async function runGroup(g: UnitGroup, log: (t: string) => void): Promise<Count> {
  const r = await held(g.limit ?? '15m', g.env)`${g.bin} ${uvu} ${g.dir} ${g.pattern} ${g.ignore}`;
  const out = plain(r.stdout);
  log(out + r.stderr);
  const count = (label: string) => Number(new RegExp(`${label}:\\s+(\\d+)`).exec(out)?.[1] ?? NaN);
  const [total, ok, skipped] = [count('Total'), count('Passed'), count('Skipped')];
  if (Number.isNaN(total) || Number.isNaN(ok)) {
    log(`✘ could not read uvu's summary (exit ${r.exitCode})\n`);
    return { passed: 0, failed: 1 };
  }
  // uvu failed outside any test (a file threw on import): one more failure.
  const outside = r.exitCode !== 0 && total === ok ? 1 : 0;
  return { passed: ok, failed: total - ok - (skipped || 0) + outside };
}

/** The table of how long each part took, as docs/test-times.md keeps it. */
export function timesTable(rows: Timed[], alongside: Record<string, string>): string {
  const lines = ['| part | seconds | runs alongside | passed | failed |', '| --- | ---: | --- | ---: | ---: |'];
  for (const r of rows) lines.push(`| ${r.part} | ${r.seconds} | ${alongside[r.part] ?? '—'} | ${r.passed} | ${r.failed} |`);
  return lines.join('\n');
}

/** Runs one stack's scenario in its own process (`node dist/scripts/stack.js NAME`), so that two can run side
 * by side and still print whole; counts its checks from the runner's last line, `NAME: N passed, N failed`. */
export async function runStack(stack: string, log: (t: string) => void): Promise<Count> {
  const r = await held('20m')`node ${join(DIST, 'scripts', 'stack.js')} ${stack}`;
  log(r.stdout + r.stderr);
  const m = new RegExp(`^${stack}: (\\d+) passed, (\\d+) failed$`, 'm').exec(r.stdout);
  if (!m) {
    log(`✘ ${stack}: the runner ended without its summary (exit ${r.exitCode})\n`);
    return { passed: 0, failed: 1 };
  }
  return { passed: Number(m[1]), failed: Number(m[2]) };
}

/** Runs each break-it exercise in its own process (`node dist/scripts/stack.js STACK test --break NAME`: up with
 * the break, its one check, down), one after another; a break passes when its check failed as declared (exit 0,
 * and the runner's `broke as expected` line). */
export async function runBreaks(breaks: { stack: string; name: string }[], log: (t: string) => void): Promise<Count> {
  const count = { passed: 0, failed: 0 };
  for (const b of breaks) {
    const r = await held('10m')`node ${join(DIST, 'scripts', 'stack.js')} ${b.stack} test --break ${b.name}`;
    const ok = r.exitCode === 0 && /^broke as expected: /m.test(r.stdout);
    log(r.stdout + r.stderr);
    if (!ok) log(`✘ ${b.stack} --break ${b.name}: exit ${r.exitCode}\n`);
    count[ok ? 'passed' : 'failed']++;
  }
  return count;
}

/** The seconds docs/test-times.md gives each part (the longest start first, so that the last to end is short). */
export function lastTimes(): Record<string, number> {
  const doc = readFileSync(join(ROOT, 'docs', 'test-times.md'), 'utf8');
  return Object.fromEntries([...doc.matchAll(/^\| ([^|]+?) \| *(\d+) *\|/gm)].map((m) => [m[1]!, Number(m[2])]));
}
