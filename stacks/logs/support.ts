// What the logs checks and the benchmark share: where the running stack is published, how to drive an
// app, how to read a sidecar's metrics, and the verifier that reads the store.
import { sleep } from 'zx';
import { eventually, expect } from '../../scripts/lib/check.js';
import type { Project } from '../../scripts/lib/compose.js';
import { exec } from '../../scripts/lib/docker.js';
import { parseMetrics } from '../../sidecars/lib/metrics.js';

export type PodName = 'file' | 'stdout';
/** The file the file pod's app writes, and its sidecar follows. */
export const LOG = '/var/log/app/app.log';
export const PODS: PodName[] = ['file', 'stdout'];
export { note } from '../../scripts/lib/check.js';

/** Published addresses, asked of Compose each time (a restarted container gets a new ephemeral port). */
export async function endpoints(project: Project) {
  const [fa, fs, sa, ss] = await Promise.all([
    project.port('pod-file', 8080),
    project.port('pod-file', 9904),
    project.port('pod-stdout', 8080),
    project.port('pod-stdout', 9904),
  ]);
  return {
    app: { file: `http://${fa}`, stdout: `http://${sa}` } as Record<PodName, string>,
    shipper: { file: `http://${fs}`, stdout: `http://${ss}` } as Record<PodName, string>,
  };
}

export interface AppStatus {
  source: string;
  seq: number;
  writing: boolean;
  pending: number;
}

async function call<T>(url: string, method = 'GET'): Promise<T> {
  const res = await fetch(url, { method, signal: AbortSignal.timeout(5000) });
  if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

export const appStatus = (app: string) => call<AppStatus>(`${app}/status`);

/** Orders count lines of about bytes each, rate a second (0: as fast as the app can); the seqs they get. */
export const write = (app: string, count: number, rate = 0, bytes = 120) =>
  call<{ from: number; to: number }>(`${app}/write?count=${count}&rate=${rate}&bytes=${bytes}`, 'POST');

/** Waits until the app has written everything it was ordered to. */
export async function written(app: string, within = 60_000): Promise<AppStatus> {
  return eventually(
    async () => {
      const s = await appStatus(app);
      expect.ok(!s.writing, 'the app has written every line it was ordered to', 'writing: false', s);
      return s;
    },
    { within, every: 100 },
  );
}

export async function metricsOf(admin: string): Promise<Map<string, number>> {
  const res = await fetch(`${admin}/metrics`, { signal: AbortSignal.timeout(5000) });
  return parseMetrics(await res.text());
}

/** The sum of a metric's series whose name (with labels) starts with prefix. */
export const sum = (m: Map<string, number>, prefix: string) => [...m].filter(([k]) => k.startsWith(prefix)).reduce((s, [, v]) => s + v, 0);

/** One SQL statement in the store, through psql in the postgres container; rows of tab-separated fields. */
export async function sql(project: Project, statement: string): Promise<string[][]> {
  const out = await exec(await project.id('postgres'), ['psql', '-XAtq', '-F', '\t', '-U', 'postgres', '-d', 'logs', '-c', statement]);
  return out ? out.split('\n').map((l) => l.split('\t')) : [];
}

export interface Verdict {
  /** Rows of the source with a seq in the range, and distinct seqs among them. */
  stored: number;
  lost: number;
  duplicated: number;
  /** Records stored after a record with a higher seq (arrival order is the table's serial n). */
  reordered: number;
  /** When some are lost: the first runs of missing seqs, as `from-to`, so a failure says where the gap is. */
  missing?: string[];
}

/**
 * The verifier: for one source and the seqs from..to the app wrote, what the store holds. lost: seqs in
 * the range with no row; duplicated: rows beyond one per seq; reordered: rows that arrived after a row
 * with a higher seq. Every app line carries (source, seq) in its JSON fields, which rsyslog stores as columns.
 */
export async function verify(project: Project, source: string, from: number, to: number): Promise<Verdict> {
  const q = `WITH r AS (SELECT seq, n FROM logs WHERE source = '${source.replace(/'/g, "''")}' AND seq BETWEEN ${from} AND ${to}),
    o AS (SELECT seq < max(seq) OVER (ORDER BY n ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS late FROM r)
    SELECT (SELECT count(*) FROM r), (SELECT count(DISTINCT seq) FROM r), (SELECT count(*) FILTER (WHERE late) FROM o)`;
  const [[rows, distinct, late]] = (await sql(project, q)) as [[string, string, string]];
  const v: Verdict = {
    stored: Number(rows),
    lost: to - from + 1 - Number(distinct),
    duplicated: Number(rows) - Number(distinct),
    reordered: Number(late),
  };
  return v.lost > 0 ? { ...v, missing: await missingRuns(project, source, from, to) } : v;
}

/** The first five runs of seqs in from..to that the store lacks for a source, as `from-to`. */
async function missingRuns(project: Project, source: string, from: number, to: number): Promise<string[]> {
  const q = `SELECT min(s), max(s) FROM (SELECT s, s - row_number() OVER (ORDER BY s) AS g FROM generate_series(${from}, ${to}) s
    WHERE NOT EXISTS (SELECT 1 FROM logs WHERE source = '${source.replace(/'/g, "''")}' AND seq = s)) x GROUP BY g ORDER BY 1 LIMIT 5`;
  return (await sql(project, q)).map(([a, b]) => (a === b ? a! : `${a}-${b}`));
}

/** Waits until the store holds every seq of the range (or the time is up), then gives the verdict. */
export async function delivered(project: Project, source: string, from: number, to: number, within = 60_000): Promise<Verdict> {
  const end = Date.now() + within;
  for (;;) {
    const v = await verify(project, source, from, to);
    if (v.lost === 0 || Date.now() > end) return v;
    await sleep(250);
  }
}

/** Fails with the verifier's counts unless nothing was lost (and, when asked, nothing duplicated). */
export function expectComplete(v: Verdict, what: string, { duplicates = true } = {}): void {
  expect.ok(v.lost === 0 && (!duplicates || v.duplicated === 0), what, { lost: 0, ...(duplicates ? { duplicated: 0 } : {}) }, v);
}
