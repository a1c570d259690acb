// The checks of the patterns lesson's exercises (exercises.ts), one function each, run against the learner's run,
// and the resets of exercises 2 and 5 (the helpers of exercise-support.ts). Exercise 6's check is attachTopz's
// (scripts/lib/exercise/runs.ts).
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { $ } from 'zx';
import { ROOT } from '../../scripts/lib/config.js';
import { fail, pass, type Verdict } from '../../scripts/lib/exercise/types.js';
import { RUNS_DIR } from '../../scripts/lib/recordings.js';
import type { StackContext } from '../../scripts/lib/stack-types.js';
import { APPLY, ambassadorLoaded, CONF, check4, failedUps, started } from './exercise-support.js';
import { appStatus } from './support.js';

/** Exercise 1: the app counted at least 3 notes written and 1 read. */
export async function checkNotes(ctx: StackContext): Promise<Verdict> {
  const f = (await appStatus(ctx)).figures;
  if ((f['Notes written'] ?? 0) < 3 || (f['Notes read'] ?? 0) < 1)
    return fail(`the app has ${f['Notes written'] ?? 0} notes written and ${f['Notes read'] ?? 0} read: write 3 and read 1 back`);
  return pass(`the app wrote ${f['Notes written']} notes and read ${f['Notes read']}, through the sidecar and the ambassador`);
}

/** Exercise 2's reset: shard-b started again, then the ambassador and the app re-created. */
export async function restoreShard(ctx: StackContext): Promise<void> {
  // The shard back first: the ambassador resolves its servers' names when it starts.
  await ctx.project.up(120, { recreate: false });
  await ctx.project.recreate(['ambassador', 'app']);
}

/** Exercise 2: shard-b is stopped, the app counted store errors, and still wrote notes (those on shard-a). */
export async function checkShardStopped(ctx: StackContext): Promise<Verdict> {
  const state = (await $`docker inspect --format {{.State.Status}} ${await ctx.project.id('shard-b')}`.quiet()).stdout.trim();
  if (state === 'running') return fail('shard-b is running: npm run stack:patterns -- stop shard-b');
  const f = (await appStatus(ctx)).figures;
  if (!(f['Store errors']! > 0)) return fail(`shard-b is ${state}, but the app has counted no store error yet: write ten notes`);
  if (!(f['Notes written']! > 0)) return fail('no note was written at all: are the keys all on shard-b? write ten with other names');
  return pass(
    `with shard-b ${state}, the app counted ${f['Store errors']} store errors and still wrote ${f['Notes written']} notes: those on shard-a`,
  );
}

/** Exercise 3: nutcracker.yml hashes with fnv1a_64, the ambassador started after that edit, and check 4 then fails. */
export async function checkHash(ctx: StackContext): Promise<Verdict> {
  const hash = /^\s*hash:\s*(\S+)/m.exec(readFileSync(join(ROOT, CONF), 'utf8'))?.[1];
  if (hash !== 'fnv1a_64') return fail(`${CONF} hashes with ${hash}: set hash: fnv1a_64, then ${APPLY}`);
  const stale = await ambassadorLoaded(ctx);
  if (stale) return stale;
  const failed = await check4(ctx);
  if (!failed) return fail('the ambassador hashes with fnv1a_64, yet check 4 passed: its 40 notes reached both shards');
  return pass(`the ambassador hashes with fnv1a_64, and check 4 fails: ${failed}`);
}

/** Exercise 4: the ambassador is out of the pod, the app writes through it by name, and check 4 fails. */
export async function checkAmbassadorMoved(ctx: StackContext): Promise<Verdict> {
  const [app, amb] = [await started(ctx, 'app'), await started(ctx, 'ambassador')];
  const store = app.env.find((v) => v.startsWith('STORE='))?.slice(6);
  if (store === '127.0.0.1:6379')
    return fail(`the app’s STORE is still ${store}: set it to ambassador:6379 in compose.yaml, then ${APPLY}`);
  if (amb.network.startsWith('container:'))
    return fail(`the ambassador still joins the pod (network mode ${amb.network}): give it its own service, then ${APPLY}`);
  const stale = await ambassadorLoaded(ctx);
  if (stale) return stale;
  const f0 = (await appStatus(ctx)).figures['Notes written'] ?? 0;
  const failed = await check4(ctx);
  const f1 = (await appStatus(ctx)).figures['Notes written'] ?? 0;
  if (f1 <= f0) return fail(`the app wrote no note through the ambassador at ${store}: is it listening on 0.0.0.0:6379?`);
  if (!failed) return fail('check 4 still passes: does the app still talk to 127.0.0.1:6379?');
  return pass(`the app stores through ${store} (${f1 - f0} notes written) and check 4 fails: ${failed}`);
}

/** Exercise 5's reset: the recordings of the runs whose up failed removed. */
export async function restoreFailedUps(): Promise<void> {
  for (const r of failedUps()) rmSync(join(RUNS_DIR, `${r.project}.json`), { force: true });
}

/** Exercise 5: a recorded run whose init container exited non-zero, and the containers it kept from starting. */
export async function checkInitBroken(): Promise<Verdict> {
  const run = failedUps().at(-1);
  if (!run) return fail('no run of patterns has failed to come up yet: CERT_CURVE=no-such-curve npm run stack:patterns -- up');
  const of = (service: string, action: string) => run.events.filter((e) => e.service === service && e.action === action);
  const died = of('init', 'die').at(-1);
  if (!died || died.detail === '0') return fail(`in ${run.project} the init container did not fail: was CERT_CURVE set?`);
  const never = ['tls-proxy', 'ambassador', 'adapter', 'app'].filter((s) => of(s, 'create').length && !of(s, 'start').length);
  return pass(`in ${run.project} the init container exited ${died.detail}; created but never started: ${never.join(', ') || 'none'}`);
}
