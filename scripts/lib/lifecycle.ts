// The one lifecycle every scenario runs through: a unique project name, build what is stale,
// `up --wait`, the stack's checks, and a teardown that always runs (also on Ctrl-C) unless --keep.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { attach, type Attached } from './attach.js';
import { runChecks, type Check, type CheckResult } from './check.js';
import type { DockerEvent } from './docker.js';
import { recordEvents, type EventRecorder } from './events.js';
import { Project } from './compose.js';
import { ROOT, STATE_DIR } from './config.js';
import { buildFor, imageEnv } from './images.js';
import { step } from './progress.js';

export interface StackContext {
  stack: string;
  dir: string;
  /** This run's own directory (certificates and other generated files live here). */
  state: string;
  project: Project;
  env: Record<string, string>;
  /** When `up` began (ms since epoch): the start of this run's event timeline. */
  upAt: number;
  /** The project's container events (create, start, kill, die, stop, health_status) since before `up`. */
  events(): DockerEvent[];
  /** Brings up another compose file of this stack as its own project, torn down with the run.
   * `where` points it at another directory's files (e.g. another stack with an attach override) and adds env. */
  sideProject(file: string | string[], label: string, where?: { dir?: string; env?: Record<string, string> }): Promise<Project>;
}

export interface Description { urls: Record<string, string>; files?: Record<string, string>; hints?: string[] }

export interface Scenario {
  title: string;
  /** Catalogue images the checks use besides the stack's own (e.g. toolbox for probes). */
  tools?: string[];
  files?: string[];
  /** Before `up`: make what the stack mounts; returns extra compose environment. */
  prepare?(state: string): Promise<Record<string, string>>;
  /** After `up`: what a person (or --json) needs to use the running stack. */
  describe(ctx: StackContext): Promise<Description>;
  checks: Check<StackContext>[];
}

export function stackNames(): string[] {
  const dir = join(ROOT, 'stacks');
  return readdirSync(dir).filter((n) => existsSync(join(dir, n, 'scenario.ts'))).sort();
}

export async function loadScenario(stack: string): Promise<Scenario> {
  if (!stackNames().includes(stack)) throw new Error(`unknown stack "${stack}": choose one of ${stackNames().join(', ')}`);
  return (await import(pathToFileURL(join(ROOT, 'dist', 'stacks', stack, 'scenario.js')).href)).default as Scenario;
}

interface Run { ctx: StackContext; projects: Project[]; attached?: Attached; recorder?: EventRecorder }

async function newRun(stack: string, sc: Scenario, withSidecars: string[] = []): Promise<Run> {
  const name = `sl-${stack}-${randomBytes(3).toString('hex')}`;
  const state = join(STATE_DIR, name);
  const dir = join(ROOT, 'stacks', stack);
  const images = await imageEnv();
  mkdirSync(state, { recursive: true });
  let env: Record<string, string>;
  try {
    env = { ...images, ...(await sc.prepare?.(state)) };
  } catch (e) {
    rmSync(state, { recursive: true, force: true });
    throw e;
  }
  const projects: Project[] = [];
  const run = { projects } as Run;
  // --with: the stack's own files plus a generated override that attaches the sidecars to its pod.
  const attached = withSidecars.length ? await attach(withSidecars, { stack, files: sc.files ?? ['compose.yaml'], state }) : undefined;
  const files = [...(sc.files ?? ['compose.yaml']), ...(attached ? [attached.file] : [])];
  const project = new Project({ project: name, cwd: dir, files, env });
  projects.push(project);
  const ctx: StackContext = {
    stack, dir, state, project, env, upAt: 0, events: () => run.recorder?.events() ?? [],
    async sideProject(file, label, where = {}) {
      const p = new Project({ project: `${name}-${label}`, cwd: where.dir ?? dir, files: ([] as string[]).concat(file), env: { ...env, ...where.env } });
      projects.push(p);
      await p.up();
      return p;
    },
  };
  // `down` replays this env, so compose interpolates the files exactly as `up` did.
  writeFileSync(join(state, 'run.json'), JSON.stringify({ stack, project: name, created: new Date().toISOString(), env, files }, null, 2));
  return Object.assign(run, { ctx, attached });
}

const plain = (text: string) => text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');

async function dump(projects: Project[]): Promise<void> {
  for (const p of projects) {
    console.log(`\n--- docker compose ps (${p.name}) ---\n${plain(await p.ps().catch((e: Error) => e.message))}`);
    console.log(`--- docker compose logs (${p.name}) ---\n${plain(await p.logs().catch((e: Error) => e.message))}`);
  }
}

async function teardown(run: Run): Promise<void> {
  for (const p of [...run.projects].reverse()) {
    await p.down().catch((e: Error) => console.log(`teardown of ${p.name} failed: ${e.message}`));
  }
  await run.recorder?.stop();
  rmSync(run.ctx.state, { recursive: true, force: true });
}

/** Runs teardown once, from the normal path or from Ctrl-C, whichever comes first. */
function guard(run: Run, keep: boolean): () => Promise<void> {
  let once: Promise<void> | undefined;
  const down = () => (once ??= keep ? Promise.resolve(console.log(`--keep: ${run.ctx.project.name} is still up; remove it with: npm run stack:${run.ctx.stack} -- down`)).then(() => run.recorder?.stop()) : step(`tearing down ${run.ctx.project.name}`, () => teardown(run)));
  const onSignal = (signal: NodeJS.Signals) => {
    console.log(`\n${signal}: tearing down before exit`);
    void down().finally(() => process.exit(130));
  };
  // A bug in a check's callback must not leave containers behind either.
  const onCrash = (e: unknown) => {
    console.log(`\n✘ unexpected error: ${(e as Error)?.stack ?? String(e)}\ntearing down before exit`);
    void down().finally(() => process.exit(1));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  return async () => {
    await down();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
  };
}

export async function testStack(stack: string, { keep = false, with: withSidecars = [] as string[] } = {}): Promise<CheckResult[]> {
  const sc = await loadScenario(stack);
  console.log(`\n▶ ${stack}: ${sc.title}${withSidecars.length ? ` (with ${withSidecars.join(', ')})` : ''}`);
  const run = await newRun(stack, sc, withSidecars);
  const finish = guard(run, keep);
  const { project } = run.ctx;
  let results: CheckResult[] = [];
  try {
    await buildFor(project, sc.tools);
    run.ctx.upAt = Date.now();
    run.recorder = recordEvents(project.name);
    await step(`up --wait ${project.name}`, () => project.up());
    results = await runChecks([...sc.checks, ...(run.attached?.checks ?? [])], run.ctx);
    if (results.some((r) => !r.ok)) await dump(run.projects);
  } catch (e) {
    console.log(`✘ ${stack}: ${(e as Error).message}`);
    await dump(run.projects);
    results.push({ name: `${stack}: bring-up`, ok: false, ms: 0, error: e as Error });
  } finally {
    await finish();
  }
  const failed = results.filter((r) => !r.ok).length;
  console.log(`${stack}: ${results.length - failed} passed, ${failed} failed`);
  return results;
}

export async function upStack(stack: string, { with: withSidecars = [] as string[] } = {}): Promise<{ project: string } & Description> {
  const sc = await loadScenario(stack);
  const run = await newRun(stack, sc, withSidecars);
  try {
    await buildFor(run.ctx.project, sc.tools);
    await step(`up --wait ${run.ctx.project.name}`, () => run.ctx.project.up());
    const own = await sc.describe(run.ctx), more = await run.attached?.describe(run.ctx.project);
    return more
      ? { project: run.ctx.project.name, urls: { ...own.urls, ...more.urls }, files: { ...own.files, ...more.files }, hints: [...(own.hints ?? []), ...(more.hints ?? [])] }
      : { project: run.ctx.project.name, ...own };
  } catch (e) {
    await dump(run.projects);
    await step(`removing ${run.ctx.project.name}`, () => teardown(run));
    throw e;
  }
}

/** Removes every run of a stack that `up` left (or just the named project). */
export async function downStack(stack: string, only?: string): Promise<string[]> {
  const sc = await loadScenario(stack);
  if (!existsSync(STATE_DIR)) return [];
  const removed: string[] = [];
  for (const name of readdirSync(STATE_DIR)) {
    const file = join(STATE_DIR, name, 'run.json');
    if (!existsSync(file) || (only && name !== only)) continue;
    const rec = JSON.parse(readFileSync(file, 'utf8')) as { stack: string; project: string; env: Record<string, string>; files?: string[] };
    if (rec.stack !== stack) continue;
    const project = new Project({ project: rec.project, cwd: join(ROOT, 'stacks', stack), files: rec.files ?? sc.files ?? ['compose.yaml'], env: rec.env });
    await step(`down ${rec.project}`, () => teardown({ ctx: { state: join(STATE_DIR, name) } as StackContext, projects: [project] }));
    removed.push(rec.project);
  }
  return removed;
}
