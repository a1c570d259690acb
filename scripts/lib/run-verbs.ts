// The verbs a person uses on the run that `up` left, found as current-run.ts finds it, so that no lesson asks them
// to copy a project name, a port or a path: exec, logs, ps, restart, stop, start and kill (Docker Compose's own, on the run's
// project, files and environment), urls (what `up` printed, again) and apply (the stack's edited files, applied).
import { spawnSync } from 'node:child_process';
import { $ } from 'zx';
import { attachedAt } from './attach.js';
import { BadInput, runningRun, type RunChoice } from './current-run.js';
import { diagnostics } from './compose.js';
import { ROOT } from './config.js';
import { buildFor } from './images.js';
import { changedServices, mountedOf, trackedTimes } from './mount-changes.js';
import { step } from './progress.js';
import { runContext } from './run-context.js';
import { projectOf, type RunRecord } from './run-state.js';
import { loadScenario } from './scenarios.js';
import { type Description, mergeDescriptions, type StackContext } from './stack-types.js';

/** The Compose subcommands passed through as they are. */
export const COMPOSE_VERBS = ['exec', 'logs', 'ps', 'restart', 'stop', 'start', 'kill'] as const;

/** The run and its scenario: what every verb starts from. */
export async function currentRun(stack: string, choice: RunChoice = {}) {
  const sc = await loadScenario(stack).catch((e: Error) => {
    throw new BadInput(e.message);
  });
  const rec = await runningRun(stack, sc.files ?? ['compose.yaml'], choice);
  return { sc, rec, ctx: standingContext(rec) };
}

/** The context a check or an exercise gets for a run that `up` left, with no event recorder. */
export const standingContext = (rec: RunRecord): StackContext => ({
  ...runContext(rec, { projects: [], upAt: Date.parse(rec.created), events: () => [] }),
  standing: true,
});

/** `docker compose VERB ARGS` on the run, with this terminal; resolves with its exit code. Without a terminal,
 * exec gets -T (Compose would refuse to allocate one). */
export async function composeVerb(stack: string, verb: string, args: string[], choice: RunChoice = {}): Promise<number> {
  const { rec } = await currentRun(stack, choice);
  const tty = verb === 'exec' && !process.stdin.isTTY && !args.includes('-T') ? ['-T'] : [];
  const { argv, cwd, env } = projectOf(rec).commandLine([verb, ...tty, ...args]);
  const r = spawnSync('docker', argv, { cwd, env, stdio: 'inherit' });
  return r.status ?? 1;
}

/** Published host ports of a project, as `service:port` -> address, for a run whose scenario cannot describe it
 * (one started from another compose file). */
async function publishedPorts(project: string): Promise<Record<string, string>> {
  const out =
    await $`docker ps --filter ${`label=com.docker.compose.project=${project}`} --format ${'{{.Label "com.docker.compose.service"}}\t{{.Ports}}'}`.quiet();
  const urls: Record<string, string> = {};
  for (const line of out.stdout.trim().split('\n').filter(Boolean)) {
    const [service, ports = ''] = line.split('\t');
    for (const m of ports.matchAll(/(\d+\.\d+\.\d+\.\d+:\d+)->(\d+)\/tcp/g)) urls[`${service}:${m[2]}`] = m[1]!;
  }
  return urls;
}

/** What `up` printed for the run: its URLs and files (a CA, a token), with those of the sidecars attached by
 * `up --with` (an address, a token file, the override); the published ports of another file's run. */
export async function describeRun(stack: string, choice: RunChoice = {}): Promise<Description> {
  const { sc, rec, ctx } = await currentRun(stack, choice);
  if (choice.file) return { urls: await publishedPorts(rec.project) };
  const attached = rec.attached && (await attachedAt(ctx.state, rec.attached).describe(ctx.project));
  return attached ? mergeDescriptions([await sc.describe(ctx), attached]) : sc.describe(ctx);
}

/** A name as a shell variable: `app-hup` -> APP_HUP. */
export const envName = (name: string) => name.toUpperCase().replace(/[^A-Z0-9]+/g, '_');

/** The lines `urls` prints: every URL and file, `name value`; with env, `export NAME='value'` for eval. */
export function urlLines(d: Description, env = false): string[] {
  const all = { ...d.urls, ...(d.files ?? {}) };
  return Object.entries(all).map(([k, v]) => (env ? `export ${envName(k)}='${v.replace(/'/g, `'\\''`)}'` : `${k.padEnd(10)} ${v}`));
}

/** `apply`: the stack's files as they are now, applied to the run: what changed is built, and what changed is
 * re-created (docker compose up --wait), with each service whose mounted, tracked files were edited since it
 * started (mount-changes.ts); the rest keeps running. */
export async function applyRun(stack: string, choice: RunChoice = {}): Promise<string> {
  const { sc, rec } = await currentRun(stack, choice);
  const project = projectOf(rec);
  await buildFor(project, sc.tools);
  const edited = changedServices(await mountedOf(rec.project), ROOT, (s) => trackedTimes(ROOT, s));
  // A part that does not come up healthy is shown with its probes and the last lines of every log.
  await step(`up --wait ${rec.project}`, () => project.up()).catch(async (e: Error) => {
    console.log(`\n${await diagnostics(project, 30)}`);
    throw e;
  });
  if (edited.length) await step(`re-creating ${edited.join(', ')}: files they mount were edited`, () => project.recreate(edited));
  return rec.project;
}
