// What the patterns lesson's exercises (exercises.ts) and their checks (exercise-checks.ts) share: the commands and
// paths their texts and solutions give, and what the checks read of the learner's run: how a container was
// started, check 4's verdict, and the recordings of runs whose `up` failed.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { $ } from 'zx';
import { CheckFailure, show } from '../../scripts/lib/check.js';
import { ROOT } from '../../scripts/lib/config.js';
import { fail, type Verdict } from '../../scripts/lib/exercise/types.js';
import { listRecordings, readRecording, type Recording } from '../../scripts/lib/recordings.js';
import type { StackContext } from '../../scripts/lib/stack-types.js';
import { ambassadorShards } from './checks-ambassador.js';

export const APPLY = 'npm run stack:patterns -- apply';
export const CONF = 'stacks/patterns/ambassador/nutcracker.yml';
export const COMPOSE = 'stacks/patterns/compose.yaml';

/** What a container of the run was started with: its environment, network mode and start time. */
export async function started(ctx: StackContext, service: string): Promise<{ env: string[]; network: string; at: number }> {
  const f = '{{json .Config.Env}}\t{{.HostConfig.NetworkMode}}\t{{.State.StartedAt}}';
  const [env, network, at] = (await $`docker inspect --format ${f} ${await ctx.project.id(service)}`.quiet()).stdout.trim().split('\t');
  return { env: JSON.parse(env!) as string[], network: network!, at: Date.parse(at!) };
}

/** Check 4 of the lesson, run against the learner's stack: undefined when it passes, else what it found. */
export async function check4(ctx: StackContext): Promise<string | undefined> {
  try {
    await ambassadorShards.run(ctx);
    return undefined;
  } catch (e) {
    if (!(e instanceof CheckFailure)) throw e;
    return `${e.message}: expected ${show(e.expected)}, received ${show(e.received)}`;
  }
}

/** Whether the ambassador was started after the last edit of its configuration file. */
export async function ambassadorLoaded(ctx: StackContext): Promise<Verdict | undefined> {
  if ((await started(ctx, 'ambassador')).at < statSync(join(ROOT, CONF)).mtimeMs)
    return fail(`the ambassador started before ${CONF} was last edited, and reads it only at start: ${APPLY}`);
  return undefined;
}

/** The recordings of patterns runs whose `up` failed: the runs an init container stopped. */
export const failedUps = (): Recording[] =>
  listRecordings()
    .filter((r) => r.stack === 'patterns')
    .map((r) => readRecording(r.project))
    .filter((r): r is Recording => !!r && r.checks.some((c) => c.name === 'patterns: bring-up' && !c.ok));
