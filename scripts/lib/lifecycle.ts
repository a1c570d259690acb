// The one lifecycle every scenario runs through: a unique project name, build what is stale,
// `up --wait`, the stack's checks, and a teardown that always runs (also on Ctrl-C) unless --keep.
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { attach, type Attached } from './attach.js';
import { runChecks, runLabelled, type CheckResult } from './check.js';
import { recordEvents, type EventRecorder } from './events.js';
import { diagnostics, type Project } from './compose.js';
import { runContext } from './run-context.js';
import { buildFor, imageEnv } from './images.js';
import { step } from './progress.js';
import { teardownOnce } from './teardown.js';
import { keepRecording } from './record-run.js';
import { listRuns, projectOf, runDir, writeRun } from './run-state.js';
import { mergeDescriptions, type Description, type Scenario, type StackContext } from './stack-types.js';
import { attachedChecks, loadScenario } from './scenarios.js';
import { budgetResult, roomChecks, skippedLines } from './room.js';
import { checksOfRun } from './stack-check.js';
import { untouchedExercises } from './exercise/untouched.js';
import { chosenPlatform, deadlineScale } from './platform.js';

export type { Description, Scenario, StackContext } from './stack-types.js';

interface Run {
  ctx: StackContext;
  projects: Project[];
  attached?: Attached;
  recorder?: EventRecorder;
}

/** What a run changes on purpose (a break-it exercise): Compose variables, and an override file and the files it
 * mounts (in $BREAK_DIR), all written into the run's own directory, so the stack's files stay as they are. */
export interface RunChange {
  name: string;
  env?: Record<string, string>;
  override?: string;
  files?: Record<string, string>;
}

/** Writes a change's files into the run's directory; returns the variables that point at them. */
function writeChange(state: string, change: RunChange): Record<string, string> {
  const dir = join(state, 'break');
  for (const [rel, text] of Object.entries(change.files ?? {})) {
    const path = join(dir, rel);
    mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
    writeFileSync(path, text, { mode: 0o644 });
  }
  return change.files ? { BREAK_DIR: dir } : {};
}

async function newRun(stack: string, sc: Scenario, withSidecars: string[] = [], file?: string, change?: RunChange): Promise<Run> {
  const name = `sl-${stack}-${randomBytes(3).toString('hex')}`;
  const state = runDir(name);
  const images = await imageEnv();
  mkdirSync(state, { recursive: true });
  let env: Record<string, string>;
  try {
    env = { ...images, ...(await sc.prepare?.(state)), ...(change ? writeChange(state, change) : {}), ...change?.env };
  } catch (e) {
    rmSync(state, { recursive: true, force: true });
    throw e;
  }
  const projects: Project[] = [];
  const run = { projects } as Run;
  // --with: the stack's own files plus a generated override that attaches the sidecars to its pod.
  const own = file ? [file] : (sc.files ?? ['compose.yaml']);
  const attached = withSidecars.length ? await attach(withSidecars, { stack, files: own, state }) : undefined;
  const override = change?.override ? join(state, `break.${change.name}.yaml`) : undefined;
  if (override) writeFileSync(override, change!.override!);
  // `down` replays what run.json records, so Compose interpolates the files exactly as `up` did.
  const rec = {
    stack,
    project: name,
    created: new Date().toISOString(),
    env,
    files: [...own, ...(attached ? [attached.file] : []), ...(override ? [override] : [])],
    ...(attached ? { attached: Object.fromEntries(attached.placed.map(({ a, at }) => [a.name, at])) } : {}),
  };
  writeRun(rec);
  const ctx = runContext(rec, { projects, upAt: 0, events: () => run.recorder?.events() ?? [] });
  return Object.assign(run, { ctx, attached });
}

async function dump(projects: Project[]): Promise<void> {
  for (const p of projects) console.log(`\n${await diagnostics(p)}`);
}

async function teardown(run: Run): Promise<void> {
  for (const p of [...run.projects].reverse()) {
    await p.down().catch((e: Error) => console.log(`teardown of ${p.name} failed: ${e.message}`));
  }
  await run.recorder?.stop();
  rmSync(run.ctx.state, { recursive: true, force: true });
}

/** What ends a run: down (with --keep, only a note and the event recorder), once, whatever happens (Ctrl-C too).
 * `record`, when given, writes the run's recording before the teardown (so one exists whatever the teardown
 * does) and again after it, with the teardown's events. */
function guard(run: Run, keep: boolean, record = () => {}): () => Promise<void> {
  const end = keep
    ? async () => {
        console.log(`--keep: ${run.ctx.project.name} is still up; remove it with: npm run stack:${run.ctx.stack} -- down`);
        await run.recorder?.stop();
      }
    : () => step(`tearing down ${run.ctx.project.name}`, () => teardown(run));
  return teardownOnce(async () => {
    record();
    await end();
    record();
  });
}

/** room: only the core checks (room.ts), and the whole run within the room's budget, which counts as one more result. */
export async function testStack(
  stack: string,
  { keep = false, with: withSidecars = [] as string[], room = false } = {},
): Promise<CheckResult[]> {
  const sc = await loadScenario(stack);
  console.log(
    `\n▶ ${stack}: ${sc.title}${withSidecars.length ? ` (with ${withSidecars.join(', ')})` : ''}${room ? ' (room profile)' : ''}`,
  );
  if (deadlineScale() > 1)
    console.log(`• ${chosenPlatform()} runs emulated here: every check's deadline is ${deadlineScale()} times as long (platform.ts)`);
  const started = Date.now();
  const run = await newRun(stack, sc, withSidecars);
  const { project } = run.ctx;
  const results: CheckResult[] = [];
  // Recorded in .state/runs/ (recordings.ts): its own .state/<project>/ goes with the teardown.
  const finish = guard(run, keep, () =>
    keepRecording({ stack, project: project.name, started, events: run.recorder?.events() ?? [], results }),
  );
  try {
    await buildFor(project, sc.tools);
    run.ctx.upAt = Date.now();
    run.recorder = recordEvents(project.name);
    await step(`up --wait ${project.name}`, () => project.up());
    // Before anything changes the run: each exercise's check must fail on it (not in a room run: its budget).
    const untouched = room ? undefined : untouchedExercises(stack);
    if (untouched) results.push(await runLabelled(untouched, run.ctx, 'E'));
    // The lab's picture of the pods, then verify's checks of every pod, come last: the last of them takes the project down.
    const list = checksOfRun(sc, await attachedChecks(run.attached?.placed ?? []));
    const chosen = room ? roomChecks(list, sc.heavy) : { checks: list, numbers: undefined, skipped: [] };
    if (room) for (const l of skippedLines(stack, chosen.skipped)) console.log(l);
    // The services' state and logs as the first failure left them: a later check may restart or remove them.
    let dumped = false;
    const dumpOnce = async () => {
      if (!dumped) await dump(run.projects);
      dumped = true;
    };
    if (results.some((r) => !r.ok)) await dumpOnce();
    results.push(
      ...(await runChecks(chosen.checks, run.ctx, console.log, chosen.numbers, async (r) => {
        if (!r.ok) await dumpOnce();
      })),
    );
  } catch (e) {
    console.log(`✘ ${stack}: ${(e as Error).message}`);
    await dump(run.projects);
    results.push({ name: `${stack}: bring-up`, ok: false, ms: 0, error: e as Error });
  } finally {
    await finish();
  }
  if (room) {
    const r = budgetResult(stack, Date.now() - started);
    console.log(`  ${r.ok ? '✔' : '✘'} ${r.name}${r.error ? `: ${r.error.message}` : ''}`);
    results.push(r);
  }
  const failed = results.filter((r) => !r.ok).length;
  console.log(`${stack}: ${results.length - failed} passed, ${failed} failed`);
  return results;
}

/** Brings a stack up as a run of its own (with `change`, if given), gives it to body, and tears it down after,
 * whatever happens (Ctrl-C too). Its event timeline is recorded from before `up`, as in a test run. */
export async function withStack<T>(stack: string, body: (ctx: StackContext) => Promise<T>, change?: RunChange): Promise<T> {
  const sc = await loadScenario(stack);
  const run = await newRun(stack, sc, [], undefined, change);
  const finish = guard(run, false);
  try {
    await buildFor(run.ctx.project, sc.tools);
    run.ctx.upAt = Date.now();
    run.recorder = recordEvents(run.ctx.project.name);
    await step(`up --wait ${run.ctx.project.name}`, () => run.ctx.project.up());
    return await body(run.ctx);
  } catch (e) {
    await dump(run.projects);
    throw e;
  } finally {
    await finish();
  }
}

/** Brings a stack up and leaves it up (downStack removes it). build: false uses the images that are there, as
 * they are; waitS bounds how long `up --wait` waits for the services to be healthy. `file`: another compose file
 * of the stack (e.g. compose.naive.yaml), run instead of its own, with the same preparation and image versions;
 * its description is then only the project (the verbs find it by that file). */
export async function upStack(
  stack: string,
  { with: withSidecars = [] as string[], build = true, waitS = 120, file = undefined as string | undefined } = {},
): Promise<{ project: string } & Description> {
  const sc = await loadScenario(stack);
  const run = await newRun(stack, sc, withSidecars, file);
  const started = Date.now();
  const recorder = recordEvents(run.ctx.project.name);
  try {
    if (build) await buildFor(run.ctx.project, sc.tools);
    await step(`up --wait ${run.ctx.project.name}`, () => run.ctx.project.up(waitS));
    await recorder.stop();
    if (file) return { project: run.ctx.project.name, urls: {} };
    const own = await sc.describe(run.ctx),
      more = await run.attached?.describe(run.ctx.project);
    return { project: run.ctx.project.name, ...(more ? mergeDescriptions([own, more]) : own) };
  } catch (e) {
    await dump(run.projects);
    // A failed `up` is recorded as a run (.state/runs/) before its containers go: which were created, which
    // started, who died with what code stay readable, in the lab and to an exercise's check.
    const results = [{ name: `${stack}: bring-up`, ok: false, ms: Date.now() - started, error: e as Error }];
    keepRecording({ stack, project: run.ctx.project.name, started, events: recorder.events(), results });
    await recorder.stop();
    await step(`removing ${run.ctx.project.name}`, () => teardown(run));
    throw e;
  }
}

/** Removes every run of a stack that `up` left (or just the named project). */
export async function downStack(stack: string, only?: string): Promise<string[]> {
  await loadScenario(stack); // an unknown stack is an error, not "nothing to remove"
  const removed: string[] = [];
  for (const rec of listRuns(stack).filter((r) => !only || r.project === only)) {
    await step(`down ${rec.project}`, () => teardown({ ctx: { state: runDir(rec.project) } as StackContext, projects: [projectOf(rec)] }));
    removed.push(rec.project);
  }
  return removed;
}
