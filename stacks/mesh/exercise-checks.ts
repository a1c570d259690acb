// The checks of the mesh lesson's exercises (exercises.ts), one function each, run against the learner's run. The
// stack is heavy (18 containers), so each first asks whether the learner's step is in the run (an edit applied, a
// sidecar killed), and only then makes a little traffic of its own: tens of calls, not check 3's hundreds (the
// helpers of exercise-support.ts).
import { $ } from 'zx';
import { fail, pass, type Verdict } from '../../scripts/lib/exercise/types.js';
import type { StackContext } from '../../scripts/lib/stack-types.js';
import { APPLY, allows, BREAK_APPLY, bothEjected, denied, ejectionCap, envOf, KILL, OUTAGE, outage } from './exercise-support.js';
import { calls, counters, endpoints, metricsOf, REPLICAS, total } from './support.js';

/** Exercise 1: the frontend's sidecar runs without a retry budget, and an outage makes more retries than one allows. */
export async function checkNoRetryBudget(ctx: StackContext): Promise<Verdict> {
  const flag = (await envOf(ctx, 'frontend-mesh')).MESH_PROXY_UNSAFE_NO_RETRY_BUDGET;
  if (flag !== 'true')
    return fail(`the frontend's sidecar retries within its budget (MESH_PROXY_UNSAFE_NO_RETRY_BUDGET=${flag}): ${BREAK_APPLY}`);
  const o = await outage(ctx, OUTAGE);
  if (o.retries <= o.allowed)
    return fail(`with every replica failing, ${OUTAGE} calls made ${o.retries} retries, within the budget's ${o.allowed}`);
  return pass(
    `with every replica failing and no budget, ${OUTAGE} calls made ${o.retries} retries where a budget would allow ${o.allowed} for the ${o.window} requests of the last 10 s: the failing replicas got ${o.tries} tries`,
  );
}

/** Exercise 2: the frontend's sidecar may eject 2 of 3 backends, and does eject both failing ones at once. */
export async function checkEjectionCap(ctx: StackContext): Promise<Verdict> {
  const percent = Number((await envOf(ctx, 'frontend-mesh')).MESH_PROXY_OUTLIER_MAX_EJECTION_PERCENT ?? 10);
  const { known, cap } = await ejectionCap(ctx, percent);
  if (cap < 2)
    return fail(
      `the frontend's sidecar may eject ${cap} of its ${known} backends at once (MESH_PROXY_OUTLIER_MAX_EJECTION_PERCENT=${percent}): allow 2 in compose.yaml, then ${APPLY}`,
    );
  const seen = await bothEjected(ctx);
  if (!seen) return fail(`with backend-1 and backend-2 failing, the frontend's sidecar did not eject both at once within 30 s`);
  return pass(
    `with backend-1 and backend-2 failing, the frontend's sidecar ejected both at once (${cap} of ${known} allowed, ${seen.ejections} ejections): the last ${seen.last.n} calls, ${seen.last.ok} answered, by ${JSON.stringify(seen.last.replicas)}`,
  );
}

/** Exercise 3: backend-1's sidecar is down, and the frontend's calls all succeed, retried or ejected around it. */
export async function checkSidecarKilled(ctx: StackContext): Promise<Verdict> {
  const state = (await $`docker inspect --format {{.State.Status}} ${await ctx.project.id('backend-1-mesh')}`.quiet()).stdout.trim();
  if (state === 'running') return fail(`backend-1-mesh is running: ${KILL}`);
  const { admin } = await endpoints(ctx.project);
  const connectRetries = async () => total(await metricsOf(admin), 'mesh_proxy_retries_total', 'reason="connect_failure"');
  const [before, ejections] = [await connectRetries(), (await counters(admin)).ejections];
  const c = await calls(ctx.project, '/call?n=30&concurrency=1');
  const retried = (await connectRetries()) - before;
  const ejected = (await counters(admin)).ejections - ejections;
  const out = total(await metricsOf(admin), 'mesh_proxy_outlier_ejected_endpoints', 'destination="backend"');
  if (c.ok < c.n) return fail(`with backend-1-mesh ${state}, ${c.n - c.ok} of ${c.n} calls failed: ${JSON.stringify(c.statuses)}`);
  if (!retried && !out) return fail(`the frontend's sidecar neither retried a connect failure nor has a replica ejected`);
  return pass(
    `with backend-1-mesh ${state}, all ${c.n} calls succeeded (${JSON.stringify(c.replicas)}): the frontend's sidecar retried ${retried} connect failures on other replicas, ejected ${ejected} endpoint(s), and has ${out} out now`,
  );
}

/** Exercise 4: no backend sidecar allows the frontend, whose calls then all get 403, counted as denied. */
export async function checkAllowListDropped(ctx: StackContext): Promise<Verdict> {
  for (const r of REPLICAS) {
    const list = (await envOf(ctx, `${r}-mesh`)).MESH_PROXY_ALLOW;
    if (allows(list, 'frontend'))
      return fail(`${r}-mesh lets the frontend in (MESH_PROXY_ALLOW=${list}): empty the allow list in compose.yaml, then ${APPLY}`);
  }
  const count = async () => (await Promise.all(REPLICAS.map((r) => denied(ctx, r)))).reduce((s, n) => s + n, 0);
  const before = await count();
  const c = await calls(ctx.project, '/call?n=9&concurrency=1');
  const refused = (await count()) - before;
  if ((c.statuses['403'] ?? 0) < c.n) return fail(`of ${c.n} calls, ${c.statuses['403'] ?? 0} got 403: ${JSON.stringify(c.statuses)}`);
  if (!refused) return fail(`every call got 403, but no backend sidecar counted a denied connection`);
  return pass(
    `the backends' sidecars refuse the frontend: all ${c.n} calls got 403, and they counted ${refused} denied connection(s) from it`,
  );
}
