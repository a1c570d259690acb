// What the config lesson's exercises (exercises.ts) and their checks (exercise-checks.ts) share: the commands their
// texts and solutions give, and what the checks read of the learner's run: the value in etcd, the version each app
// serves, a sidecar's environment, metrics and logs.
import { $ } from 'zx';
import { eventually } from '../../scripts/lib/check.js';
import * as docker from '../../scripts/lib/docker.js';
import { fail, fileEdit } from '../../scripts/lib/exercise/types.js';
import type { StackContext } from '../../scripts/lib/stack-types.js';
import { appView, endpoints, etcdOf, KEY, metricsOf, type PodName } from './support.js';

export const APPLY = 'npm run stack:config -- apply';
const COMPOSE = 'stacks/config/compose.yaml';
export const SEED = 'stacks/config/seed/app.json';
/** The lesson's command that puts a new value. */
export const put = (version: string, greeting: string) => `npm run config -- set '{"version": "${version}", "greeting": "${greeting}"}'`;
/** Ten puts in a row from etcd's own container: a burst no host round trip slows down. */
export const BURST = `npm run stack:config -- exec etcd sh -c 'for i in 1 2 3 4 5 6 7 8 9 10; do etcdctl put ${KEY} "{\\"version\\": \\"b$i\\", \\"greeting\\": \\"burst\\"}"; done'`;
/** A validate command with nothing but the shell's own words: the sidecar's image has sh, and no grep. */
export const VALIDATE = `CONFIG_SYNC_VALIDATE_COMMAND: 'read -r v; case "$$v" in *forbidden*) echo "the value says forbidden" >&2; exit 1;; esac'`;

/** The environment a sidecar's container was started with (its image's defaults included). */
export const envOf = async (ctx: StackContext, service: string) => new Map(Object.entries(await docker.env(await ctx.project.id(service))));

/** The value in etcd now: its text, and its version when it is a JSON object that has one. */
export async function current(ctx: StackContext): Promise<{ text: string; version?: string }> {
  const text = (await (await etcdOf(ctx.project)).range(KEY)).kv?.value.toString('utf8') ?? '';
  try {
    return { text, version: String((JSON.parse(text) as { version?: unknown }).version) };
  } catch {
    return { text };
  }
}

/** A sidecar's metrics: one series, and a metric summed over the series whose labels include all of `has`. */
export async function sidecarMetrics(ctx: StackContext, pod: PodName) {
  const m = await metricsOf((await endpoints(ctx.project)).admin[pod]);
  const sum = (name: string, ...has: string[]) =>
    [...m].filter(([k]) => (k === name || k.startsWith(`${name}{`)) && has.every((h) => k.includes(h))).reduce((a, [, v]) => a + v, 0);
  return { get: (name: string) => m.get(name) ?? 0, sum };
}

/** A metric of a sidecar once it is above 0, or 0 when `withinMs` is over: what a step the learner just took moves. */
export const counted = (ctx: StackContext, pod: PodName, name: string, ...has: string[]) =>
  eventually(
    async () => {
      const n = (await sidecarMetrics(ctx, pod)).sum(name, ...has);
      if (!(n > 0)) throw new Error(`${name} is 0`);
      return n;
    },
    { within: 10_000, every: 250 },
  ).catch(() => 0);

/** The version an app serves, once it is `version` (or what it serves when `withinMs` is over). */
export async function serves(ctx: StackContext, pod: PodName, version: string | undefined, withinMs = 20_000): Promise<string | null> {
  const url = (await endpoints(ctx.project)).app[pod];
  const seen = async () => (await appView(url).catch(() => ({ version: null }))).version;
  return eventually(
    async () => {
      const v = await seen();
      if (v !== version) throw new Error(`serves ${v}`);
      return v;
    },
    { within: withinMs, every: 250 },
  ).catch(seen);
}

/** What a container logged, across its restarts. */
export const logsOf = async (ctx: StackContext, service: string) => (await $`docker logs ${await ctx.project.id(service)}`.quiet()).stdout;

/** A check's first question: does the sidecar run with the edit (`want`: the value, or any)? Undefined when it does,
 * else what is missing. */
export async function edited(ctx: StackContext, service: string, name: string, want?: string) {
  const v = (await envOf(ctx, service)).get(name);
  if (want ? v === want : v) return undefined;
  const edit = want ? `set ${name}: ${want} for ${service}` : `give ${service} a ${name}`;
  return fail(`${service} runs with ${name}=${v ?? '(unset)'}: ${edit} in compose.yaml, then ${APPLY}`);
}

/** The solution of an exercise that edits compose.yaml: the diff's hunks (each `@@ … @@` and its lines), applied to
 * the run, then the commands `then`. */
export const composeEdit = (hunks: string, ...then: string[]) => fileEdit(COMPOSE, hunks, [APPLY, ...then]);
