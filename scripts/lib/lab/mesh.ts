// The mesh stack's traffic as a graph of services: each edge (a service calling another through its mesh-proxy)
// with its request rate, error ratio and p99, read from the stack's own Prometheus (stacks/mesh/prometheus/),
// which scrapes every mesh-proxy's /metrics with the label `service`. The p99 is the edge's own: mesh-proxy's
// outbound duration histogram carries the destination, as its request counter does.
import type { Inspect } from './engine.js';
import { getText, hostBase } from './reach.js';

const WINDOW = '15s';
export const QUERIES = {
  rps: `sum by (service, destination) (rate(mesh_proxy_requests_total{direction="outbound"}[${WINDOW}]))`,
  errors: `sum by (service, destination) (rate(mesh_proxy_requests_total{direction="outbound",code=~"5xx|0xx"}[${WINDOW}]))`,
  p99: `histogram_quantile(0.99, sum by (service, destination, le) (rate(mesh_proxy_outbound_request_duration_seconds_bucket[${WINDOW}])))`,
};

export interface Edge {
  from: string;
  to: string;
  /** Requests per second over the last 15 s. */
  rps: number;
  /** The share of them answered 5xx or cut; null without requests. */
  errorRatio: number | null;
  /** The edge's p99 in seconds (the caller's requests to that destination); null when Prometheus has none. */
  p99Seconds: number | null;
}

type Sample = { labels: Record<string, string>; value: number };

/** A Prometheus instant-vector answer as samples; anything else is no sample (never a throw). */
export function samples(text: string): Sample[] {
  let a: unknown;
  try {
    a = JSON.parse(text);
  } catch {
    return [];
  }
  const result = (a as { data?: { result?: unknown } } | null)?.data?.result;
  if (!Array.isArray(result)) return [];
  return result.flatMap((r: unknown) => {
    const metric = (r as { metric?: unknown } | null)?.metric;
    const value = (r as { value?: unknown } | null)?.value;
    if (typeof metric !== 'object' || metric === null || !Array.isArray(value)) return [];
    const n = Number(value[1]);
    const labels = Object.fromEntries(Object.entries(metric).filter((e): e is [string, string] => typeof e[1] === 'string'));
    return Number.isFinite(n) ? [{ labels, value: n }] : [];
  });
}

/** The edges from the three answers: one per (service, destination) with a rate. */
export function edgesOf(rps: Sample[], errors: Sample[], p99: Sample[]): Edge[] {
  const key = (s: Sample) => `${s.labels.service}\u0000${s.labels.destination}`;
  const err = new Map(errors.map((s) => [key(s), s.value]));
  const tail = new Map(p99.map((s) => [key(s), s.value]));
  return rps
    .filter((s) => s.labels.service && s.labels.destination)
    .map((s) => ({
      from: s.labels.service!,
      to: s.labels.destination!,
      rps: s.value,
      errorRatio: s.value > 0 ? (err.get(key(s)) ?? 0) / s.value : null,
      p99Seconds: tail.get(key(s)) ?? null,
    }))
    .sort((a, b) => `${a.from} ${a.to}`.localeCompare(`${b.from} ${b.to}`));
}

/** The project's Prometheus (an image named prometheus), if it runs one. */
export const prometheusOf = (cs: Inspect[]) => cs.find((c) => /(^|\/)prometheus(:|$)/.test(c.Config.Image) && c.State.Running);

export async function meshEdges(prometheus: Inspect, deadlineMs = 2000): Promise<{ edges: Edge[] } | { why: string }> {
  const base = hostBase(prometheus, 9090);
  if (!base) return { why: 'its Prometheus (port 9090) is neither published nor on a network the lab can reach' };
  try {
    const ask = async (q: string) =>
      samples(await getText(`${base}/api/v1/query?query=${encodeURIComponent(q)}`, { who: 'prometheus', deadlineMs, max: 1024 * 1024 }));
    const [rps, errors, p99] = await Promise.all([ask(QUERIES.rps), ask(QUERIES.errors), ask(QUERIES.p99)]);
    return { edges: edgesOf(rps, errors, p99) };
  } catch (e) {
    return { why: (e as Error).message };
  }
}
