// GET /api/traffic?project=P: the counters of the traffic through a run's sidecars, read from each one's own
// /metrics on its admin port (reached as reach.ts says), for the page to turn into rates: requests through
// tls-proxy (https), lines shipped and acknowledged by log-shipper (logs), requests in and out of each
// mesh-proxy (mesh). A sidecar the lab cannot read says why; one call has a 2 s deadline and 1 MiB at most.
import { parseMetrics } from '../../../sidecars/lib/metrics.js';
import { paramValue } from './declared.js';
import type { Engine, Inspect } from './engine.js';
import { type Edge, meshEdges, prometheusOf } from './mesh.js';
import { PROJECT_LABEL, SERVICE_LABEL } from './ours.js';
import { getText, hostBase } from './reach.js';
import { TOPZ_PREFIX_LABEL } from './topz.js';

const MAX_ANSWER = 1024 * 1024;

/** What each sidecar's traffic is, by its image's env prefix: a word and the counter, summed over its series
 * (those with the label `where`, when given). */
export const TRAFFIC: Record<string, { what: string; metric: string; where?: string }[]> = {
  TLS_PROXY_: [{ what: 'requests', metric: 'tls_proxy_requests_total' }],
  LOG_SHIPPER_: [
    { what: 'lines shipped', metric: 'log_shipper_shipped_records_total' },
    { what: 'lines acknowledged', metric: 'log_shipper_acked_records_total' },
  ],
  MESH_PROXY_: [
    { what: 'requests in', metric: 'mesh_proxy_requests_total', where: 'direction="inbound"' },
    { what: 'requests out', metric: 'mesh_proxy_requests_total', where: 'direction="outbound"' },
  ],
};

export interface SidecarTraffic {
  container: string;
  service: string;
  counters: { what: string; total: number }[];
  /** Why the counters could not be read. */
  why?: string;
}

export interface TrafficAnswer {
  project: string;
  /** When the counters were read (ms), for the page's rates. */
  time: number;
  sidecars: SidecarTraffic[];
  /** A run with its own Prometheus (mesh): the edges between its services, or why they could not be read. */
  mesh?: { edges: Edge[] } | { why: string };
}

/** The sum of every series of `metric` in Prometheus text (`name` or `name{…}`, with the label `where` when
 * given); 0 when there is none. */
export function counterSum(text: string, metric: string, where?: string): number {
  let sum = 0;
  for (const [k, v] of parseMetrics(text)) {
    const series = k === metric ? '' : k.startsWith(`${metric}{`) ? k.slice(metric.length) : undefined;
    if (series === undefined || !Number.isFinite(v)) continue;
    if (where && !new RegExp(`[{,]${where.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[,}]`).test(series)) continue;
    sum += v;
  }
  return sum;
}

/** Where a sidecar's /metrics is, or why the lab cannot reach it. */
export async function metricsUrl(engine: Engine, c: Inspect): Promise<{ url: string } | { why: string }> {
  const port = Number(paramValue(c, 'admin-port')?.value);
  if (!Number.isInteger(port) || port < 1) return { why: 'its image declares no admin port' };
  const address = paramValue(c, 'admin-address')?.value ?? '0.0.0.0';
  if (/^(127\.|localhost$|::1$)/.test(address)) return { why: `its admin port serves only the pod loopback (${address})` };
  const joins = /^container:(.+)$/.exec(c.HostConfig.NetworkMode ?? '')?.[1];
  const owner = joins ? await engine.inspect(joins).catch(() => undefined) : c;
  const base = owner && hostBase(owner, port);
  return base ? { url: `${base}/metrics` } : { why: `its admin port ${port} is neither published nor on a network the lab can reach` };
}

export async function trafficOf(engine: Engine, project: string, deadlineMs = 2000): Promise<TrafficAnswer> {
  const time = Date.now();
  const ids = (await engine.list()).filter((s) => s.Labels?.[PROJECT_LABEL] === project).map((s) => s.Id);
  const all = (await Promise.all(ids.map((id) => engine.inspect(id).catch(() => undefined)))).filter(
    (c): c is Inspect => !!c?.State.Running,
  );
  const sidecars = all
    .map((c) => ({ c, counters: TRAFFIC[c.Config.Labels?.[TOPZ_PREFIX_LABEL] ?? ''] }))
    .filter((x): x is { c: Inspect; counters: (typeof TRAFFIC)[string] } => Boolean(x.counters))
    .map(async ({ c, counters }): Promise<SidecarTraffic> => {
      const who = { container: c.Name.replace(/^\//, ''), service: c.Config.Labels?.[SERVICE_LABEL] ?? '?' };
      const where = await metricsUrl(engine, c);
      if ('why' in where) return { ...who, counters: [], why: where.why };
      try {
        const text = await getText(where.url, { who: who.service, deadlineMs, max: MAX_ANSWER });
        return { ...who, counters: counters.map((k) => ({ what: k.what, total: counterSum(text, k.metric, k.where) })) };
      } catch (e) {
        return { ...who, counters: [], why: (e as Error).message };
      }
    });
  const prometheus = prometheusOf(all);
  const [read, mesh] = await Promise.all([Promise.all(sidecars), prometheus ? meshEdges(prometheus, deadlineMs) : undefined]);
  return { project, time, sidecars: read.sort((a, b) => a.container.localeCompare(b.container)), ...(mesh ? { mesh } : {}) };
}
