// What the mesh lesson's exercises (exercises.ts) and their checks (exercise-checks.ts) share: the commands their
// texts and solutions give, and the small, bounded traffic the checks make against the learner's run: an outage of
// every replica, two replicas failing until both are ejected, a few calls and what each sidecar counted of them.
import { parseMetrics } from '../../sidecars/lib/metrics.js';
import { eventually, expect } from '../../scripts/lib/check.js';
import * as docker from '../../scripts/lib/docker.js';
import type { StackContext } from '../../scripts/lib/stack-types.js';
import { budget, withFaults } from './checks-resilience.js';
import { type Calls, calls, counters, endpoints, fault, ID, metricsOf, REPLICAS, stats, total } from './support.js';

export const STACK = 'npm run stack:mesh --';
export const APPLY = `${STACK} apply`;
export const COMPOSE = 'stacks/mesh/compose.yaml';
export const URLS = 'eval "$(npm run -s stack:mesh -- urls --env)"';
export const BREAK_APPLY = `UNSAFE_NO_RETRY_BUDGET=true ${APPLY}`;
/** Calls in the outage of exercise 1: with no budget each is tried 3 times; the budget allows 20% of them + 10. */
export const OUTAGE = 50;
export const KILL = `${STACK} kill backend-1-mesh`;

/** The frontend app's own endpoint (/call: n calls to the backend through its sidecar), from inside its pod. */
export const callFrom = (query: string) =>
  `${STACK} exec frontend-app python3 -c "import urllib.request as u; print(u.urlopen('http://127.0.0.1:8080${query}').read().decode())"`;

/** A backend replica's fault set (`error_rate=1`) or cleared (no argument), with its app's own ctl. */
export const faultCommand = (replica: string, f = '') => `${STACK} exec ${replica}-app /opt/app/ctl fault${f ? ` ${f}` : ''}`;

/** The frontend sidecar's metrics whose names match `names` (a regular expression's alternatives). */
export const frontendMetrics = (names: string) => `curl -s "$FRONTEND_SIDECAR" | grep -E '^mesh_proxy_(${names})'`;

export const ALL_FAIL = `for r in ${REPLICAS.join(' ')}; do ${faultCommand('$r', 'error_rate=1')}; done`;
export const NONE_FAIL = `for r in ${REPLICAS.join(' ')}; do ${faultCommand('$r')}; done`;
export const PROMETHEUS_QUERY = `curl -s "\${PROMETHEUS%/graph}/api/v1/query" --data-urlencode 'query=sum by (instance, peer) (mesh_proxy_inbound_connections_total{result="denied"})'`;

/** The environment a service's container was started with. */
export const envOf = async (ctx: StackContext, service: string) => docker.env(await ctx.project.id(service));

/** The frontend sidecar's admin address (its /metrics). */
const admin = async (ctx: StackContext) => (await endpoints(ctx.project)).admin;

export interface Outage {
  /** Calls that succeeded (none, with every replica failing). */
  ok: number;
  retries: number;
  /** What the budget allows for the requests of its window, as check 3 computes it. */
  allowed: number;
  /** The requests of the window: as the sidecar counts them, and at least the outage's own (with no budget, the
   * sidecar keeps no window). */
  window: number;
  /** Tries the failing replicas received. */
  tries: number;
}

/** Every replica failing every request, and n calls: the retries the frontend's sidecar made, and what its budget
 * allows for its window (read at once: the outage fits in it). The faults are cleared after, pass or fail. */
export async function outage(ctx: StackContext, n: number): Promise<Outage> {
  let out: Outage | undefined;
  await withFaults(ctx, async () => {
    const at = await admin(ctx);
    await Promise.all(REPLICAS.map((r) => fault(ctx.project, r, { error_rate: 1 })));
    const before = await counters(at);
    const r = await calls(ctx.project, `/call?n=${n}&concurrency=4`);
    const after = await counters(at);
    const counted = total(await metricsOf(at), 'mesh_proxy_retry_budget_window_requests', 'destination="backend"');
    const window = Math.max(counted, n);
    const tries = (await Promise.all(REPLICAS.map((rep) => stats(ctx.project, rep)))).reduce((s, x) => s + x.requests, 0);
    out = { ok: r.ok, retries: after.retries - before.retries, allowed: budget(window), window, tries };
  });
  return out!;
}

/** How many of `known` endpoints a sidecar may eject at once with this --outlier-max-ejection-percent: one is
 * always ejectable (sidecars/mesh-proxy/src/outlier.ts). */
export const capOf = (known: number, percent: number) => Math.max(1, Math.floor((known * percent) / 100));

/** The backend endpoints the frontend's sidecar knows, and how many of them it may eject at once. */
export async function ejectionCap(ctx: StackContext, percent: number): Promise<{ known: number; cap: number }> {
  const known = total(await metricsOf(await admin(ctx)), 'mesh_proxy_endpoints', 'destination="backend"');
  return { known, cap: capOf(known, percent) };
}

/** backend-1 and backend-2 failing every request, and calls in tens until the frontend's sidecar has ejected both
 * at once (within `within` ms): the last ten calls, or undefined when it never did. Faults cleared after. */
export async function bothEjected(ctx: StackContext, within = 30_000): Promise<{ last: Calls; ejections: number } | undefined> {
  let seen: { last: Calls; ejections: number } | undefined;
  await withFaults(ctx, async () => {
    const at = await admin(ctx);
    await Promise.all(['backend-1', 'backend-2'].map((r) => fault(ctx.project, r, { error_rate: 1 })));
    const before = (await counters(at)).ejections;
    const both = async () => {
      const last = await calls(ctx.project, '/call?n=10&concurrency=1');
      const now = total(await metricsOf(at), 'mesh_proxy_outlier_ejected_endpoints', 'destination="backend"');
      expect.equal(now, 2, 'backend endpoints the frontend’s sidecar has ejected now');
      return { last, ejections: (await counters(at)).ejections - before };
    };
    seen = await eventually(both, { within, every: 100 }).catch(() => undefined);
  });
  return seen;
}

/** Whether an allow list (--allow: service names or spiffe:// IDs, comma-separated) lets a service in. */
export const allows = (list: string | undefined, service: string) =>
  (list ?? '')
    .split(',')
    .map((s) => s.trim())
    .some((s) => s === service || s === ID(service));

/** Inbound connections a backend replica's sidecar refused because the caller is not on its allow list: read from
 * its admin port on the pod's loopback, through its app's container (the sidecar's image has no shell). */
export async function denied(ctx: StackContext, replica: string): Promise<number> {
  const read = `import urllib.request as u; print(u.urlopen('http://127.0.0.1:9905/metrics').read().decode())`;
  const text = await docker.exec(await ctx.project.id(`${replica}-app`), ['python3', '-c', read]);
  return total(parseMetrics(text), 'mesh_proxy_inbound_connections_total', 'result="denied"');
}
