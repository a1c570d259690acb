// What the config checks, `npm run config` and the benchmark share: the key, where the running
// stack is published, how to read an app and a sidecar, and how to wait for a version to be served.
import { $, sleep } from 'zx';
import { CheckFailure } from '../../scripts/lib/check.js';
import type { Project } from '../../scripts/lib/compose.js';
import { projectOf, updateRun, type RunRecord } from '../../scripts/lib/run-state.js';
import { EtcdClient } from '../../sidecars/config-sync/src/etcd.js';
import { parseMetrics } from '../../sidecars/lib/metrics.js';

export const KEY = '/sidecar-lab/config/app';
/** config-sync's --min-apply-interval in this stack (its default). */
export const MIN_APPLY_INTERVAL_MS = 1000;

export type PodName = 'hup' | 'once';
export const PODS: PodName[] = ['hup', 'once'];
export const service = (pod: PodName | 'poll', part: 'pod' | 'sync' | 'app') => `${part}-${pod}`;

/** A valid config for the apps (see schema/app.schema.json). */
export function configValue(version: string, padding = ''): string {
  return JSON.stringify({ version, greeting: `hello from ${version}`, ...(padding ? { padding } : {}) });
}

/** What an app serves at GET /: reloads (app-hup: SIGHUP reloads so far), starts (app-once: times its supervisor started it). */
export interface AppView {
  version: string | null;
  reloads?: number;
  starts?: number;
  pid: number;
  started_at: number;
  bytes: number;
  sha256?: string;
}

/** Published addresses, asked of Compose each time (a restarted container gets a new ephemeral port). */
export async function endpoints(project: Project) {
  const [etcd, hupApp, hupAdmin, onceApp, onceAdmin] = await Promise.all([
    project.port('etcd', 2379),
    project.port('pod-hup', 8080),
    project.port('pod-hup', 9902),
    project.port('pod-once', 8080),
    project.port('pod-once', 9902),
  ]);
  return {
    etcd: `http://${etcd}`,
    app: { hup: `http://${hupApp}`, once: `http://${onceApp}` } as Record<PodName, string>,
    admin: { hup: `http://${hupAdmin}`, once: `http://${onceAdmin}` } as Record<PodName, string>,
  };
}
export type Endpoints = Awaited<ReturnType<typeof endpoints>>;

export async function etcdOf(project: Project): Promise<EtcdClient> {
  return new EtcdClient(`http://${await project.port('etcd', 2379)}`);
}

export async function appView(appUrl: string): Promise<AppView> {
  const res = await fetch(`${appUrl}/`, { signal: AbortSignal.timeout(2000) });
  return (await res.json()) as AppView;
}

export async function metricsOf(adminUrl: string): Promise<Map<string, number>> {
  return parseMetrics(await (await fetch(`${adminUrl}/metrics`, { signal: AbortSignal.timeout(2000) })).text());
}

/** Polls an app until it serves `version`; resolves with the ms since `t0` (performance.now()).
 * Throws a CheckFailure when that takes longer than `limitMs` (it keeps looking until `giveUpMs`, to report the real time). */
export async function servedWithin(
  appUrl: string,
  version: string,
  t0: number,
  limitMs: number,
  giveUpMs = limitMs,
  everyMs = 10,
): Promise<number> {
  let last = 'nothing yet';
  for (;;) {
    try {
      const res = await fetch(`${appUrl}/version`, { signal: AbortSignal.timeout(1000) });
      last = (await res.text()).trim();
    } catch (e) {
      last = `error: ${(e as Error & { cause?: { code?: string } }).cause?.code ?? (e as Error).message}`;
    }
    const ms = performance.now() - t0;
    if (last === version) {
      if (ms > limitMs) throw new CheckFailure(`${appUrl} served ${version} too late`, `within ${limitMs} ms`, `${Math.round(ms)} ms`);
      return ms;
    }
    if (ms > giveUpMs)
      throw new CheckFailure(
        `${appUrl} never served ${version}`,
        `version ${version} within ${limitMs} ms`,
        `${last} after ${Math.round(ms)} ms`,
      );
    await sleep(everyMs);
  }
}

/** Waits until neither sidecar has applied anything for a whole --min-apply-interval, so the next
 * change is applied at once (a lone change is never delayed; one right after another is). */
export async function quiet(e: Endpoints, withinMs = 10_000): Promise<void> {
  const end = Date.now() + withinMs;
  for (;;) {
    const stamps = await Promise.all(
      PODS.map(async (p) => (await metricsOf(e.admin[p])).get('config_sync_applied_timestamp_seconds') ?? 0),
    );
    const idleMs = Date.now() - Math.max(...stamps) * 1000;
    if (idleMs > MIN_APPLY_INTERVAL_MS + 100) return;
    if (Date.now() > end) throw new Error(`the sidecars kept applying for ${withinMs} ms`);
    await sleep(MIN_APPLY_INTERVAL_MS + 150 - idleMs);
  }
}

export { note } from '../../scripts/lib/check.js';

/** The JSON log lines a container wrote since an ISO time. */
export async function logLines(id: string, sinceIso: string): Promise<Record<string, unknown>[]> {
  const out = await $`docker logs --since ${sinceIso} ${id}`.quiet();
  return out.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Starts the "baseline" profile (the 1 s polling pod) in a running config stack, and records the
 * profile in the run's run.json: `npm run stack:config -- down` replays that env, so the baseline
 * goes with the rest (Compose's down leaves the containers of a profile it was not told about). */
export async function startBaseline(rec: RunRecord): Promise<Project> {
  const stored = updateRun(rec.project, (r) => ({ ...r, env: { ...r.env, COMPOSE_PROFILES: 'baseline' } }));
  const p = projectOf(stored);
  await p.up();
  return p;
}
