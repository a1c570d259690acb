// What the mesh checks share: the stack's published addresses, identities read from the CA, mTLS calls to
// the frontend's sidecar, the backend replicas' fault switches and counters, and sidecar metrics.
import { request } from 'node:https';
import { parseMetrics } from '../../sidecars/lib/metrics.js';
import { eventually, expect } from '../../scripts/lib/check.js';
import type { Project } from '../../scripts/lib/compose.js';
import * as docker from '../../scripts/lib/docker.js';

export { note } from '../../scripts/lib/check.js';

export const REPLICAS = ['backend-1', 'backend-2', 'backend-3'] as const;
export const ID = (service: string) => `spiffe://sidecar-lab/mesh/${service}`;

export async function endpoints(project: Project) {
  const [frontend, admin, prometheus, collector] = await Promise.all([
    project.port('frontend', 15006),
    project.port('frontend', 9905),
    project.port('prometheus', 9090),
    project.port('collector', 4318),
  ]);
  return { frontend, admin: `http://${admin}`, prometheus: `http://${prometheus}`, collector: `http://${collector}` };
}

export interface Identity {
  cert: Buffer;
  key: Buffer;
  ca: Buffer;
}

/** An identity as the CA published it (read from inside the CA's container). */
export async function identity(project: Project, name: string): Promise<Identity> {
  const ca = await project.id('ca');
  const read = async (f: string) => Buffer.from(await docker.exec(ca, ['cat', `/identities/${name}/${f}`]));
  const [cert, key, bundle] = await Promise.all([read('tls.crt'), read('tls.key'), read('ca.crt')]);
  return { cert, key, ca: bundle };
}

export interface Answer {
  status: number;
  body: string;
  json<T = Record<string, unknown>>(): T;
}

/** One request over mTLS to the frontend's sidecar, as `who` (the checks' own identity by default). */
export function call(
  frontend: string,
  path: string,
  who: Partial<Identity> & { ca: Buffer },
  o: { headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<Answer> {
  const [host, port] = frontend.split(':') as [string, string];
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host,
        port,
        path,
        servername: 'frontend',
        cert: who.cert,
        key: who.key,
        ca: who.ca,
        agent: false,
        headers: o.headers,
        timeout: o.timeoutMs ?? 120_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString();
          resolve({ status: res.statusCode ?? 0, body, json: <T>() => JSON.parse(body) as T });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer from the frontend to ${path}`)));
    req.on('error', reject);
    req.end();
  });
}

/** What the frontend's /call and /load report. */
export interface Calls {
  n: number;
  ok: number;
  statuses: Record<string, number>;
  errors: number;
  replicas: Record<string, number>;
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
  seconds?: number;
}

/** Has the frontend app make calls to the backend through its sidecar (GET /call or /load). */
export async function calls(project: Project, query: string, who?: Identity): Promise<Calls> {
  const e = await endpoints(project);
  const me = who ?? (await identity(project, 'checks'));
  const r = await call(e.frontend, query, me);
  expect.equal(r.status, 200, `the frontend's ${query.split('?')[0]}`);
  return r.json<Calls>();
}

export interface Fault {
  error_rate?: number;
  latency_ms?: number;
  hang?: boolean;
}

/** Sets a replica's fault (an empty fault clears it), with the app's own ctl, inside its pod. */
export async function fault(project: Project, replica: string, f: Fault = {}): Promise<void> {
  const args = Object.entries(f).map(([k, v]) => `${k}=${v}`);
  await docker.exec(await project.id(`${replica}-app`), ['/opt/app/ctl', 'fault', ...args]);
}

export async function clearFaults(project: Project, replicas: readonly string[] = REPLICAS): Promise<void> {
  await Promise.all(replicas.map((r) => fault(project, r)));
}

export interface Stats {
  requests: number;
  by_method: Record<string, number>;
  by_path: Record<string, number>;
  errors_injected: number;
}

export async function stats(project: Project, replica: string, reset = false): Promise<Stats> {
  const out = await docker.exec(await project.id(`${replica}-app`), ['/opt/app/ctl', 'stats', ...(reset ? ['reset'] : [])]);
  return JSON.parse(out) as Stats;
}

export async function metricsOf(admin: string): Promise<Map<string, number>> {
  const r = await fetch(`${admin}/metrics`);
  return parseMetrics(await r.text());
}

/** The sum of every series of a metric whose labels contain all of `labels` (e.g. 'destination="backend"'). */
export function total(m: Map<string, number>, name: string, ...labels: string[]): number {
  let s = 0;
  for (const [k, v] of m) {
    if (k !== name && !k.startsWith(`${name}{`)) continue;
    if (labels.every((l) => k.includes(l))) s += v;
  }
  return s;
}

/** Waits until the frontend's sidecar has no backend ejected (what an earlier check left behind). */
export async function noneEjected(admin: string, within = 40_000): Promise<void> {
  await eventually(
    async () => {
      const n = total(await metricsOf(admin), 'mesh_proxy_outlier_ejected_endpoints', 'destination="backend"');
      expect.equal(n, 0, 'backend endpoints ejected by the frontend');
    },
    { within, every: 250 },
  );
}

/** The frontend sidecar's outbound counters a check compares before and after: requests, retries, retry
 * budget refusals, ejections and circuit-breaker refusals. */
export async function counters(admin: string) {
  const m = await metricsOf(admin);
  return {
    requests: total(m, 'mesh_proxy_requests_total', 'direction="outbound"'),
    retries: total(m, 'mesh_proxy_retries_total'),
    exhausted: total(m, 'mesh_proxy_retry_budget_exhausted_total'),
    ejections: total(m, 'mesh_proxy_outlier_ejections_total'),
    overflow: total(m, 'mesh_proxy_circuit_breaker_overflow_total'),
  };
}
