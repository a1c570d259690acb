// bench:https-layers: where http mode's CPU goes, layer by layer, on the host. Each row is a process on core 0 in
// front of one Bun upstream serving 1 KB (also on core 0), under wrk -c64 from core 1; its CPU per request is
// what the kernel counted for that process (/proc/<pid>/stat) over the load, divided by the requests wrk
// completed. The probe rows are the data plane's own layers (sidecars/lib/dataplane/bench/layers.ts), each adding
// one part of http mode to the row before; the last two rows are tls-proxy itself, as its image runs it.
import type { Section } from '../../../scripts/bench/section.js';
import { n0, showSpread, type Spread, spread } from '../../../scripts/bench/stats.js';

export const LAYERS_SECTION: Section = {
  id: 'https-layers',
  title: "where http mode's CPU goes, layer by layer",
  source: 'stacks/https/bench-layers.ts',
  intro:
    'Run it with `npm run bench:https-layers` (Linux, two cores or more: it pins with taskset and reads /proc). No Docker: each row is a process on the host.',
};

/** The rows, in order: what each adds to the one before. `layer` is the probe's --layer; `mode` runs tls-proxy. */
export const ROWS = [
  { id: 'relay', layer: 'relay', label: 'bytes relayed both ways (what tcp mode does, without its metrics)' },
  {
    id: 'floor',
    layer: 'floor',
    label: 'the request head found by a search and X-Forwarded-* added; the response relayed unframed (the L7 floor)',
  },
  { id: 'strict', layer: 'strict', label: 'and the request head read strictly (`headEnd`, `parseHead`, `parseTarget`, `requestHead`)' },
  { id: 'framed', layer: 'framed', label: 'and the response framed (`ResponseParser`), its head rewritten and sent with the body' },
  { id: 'session', layer: 'session', label: 'and the session (`HttpSession`: its timers, the keep-alive pool, the route)' },
  { id: 'tls-proxy-http', mode: 'http', label: 'tls-proxy --mode http: and its metrics, logs and admin port' },
  { id: 'tls-proxy-tcp', mode: 'tcp', label: 'tls-proxy --mode tcp, for comparison with the first row' },
] as const satisfies readonly ({ id: string; label: string } & ({ layer: string } | { mode: 'http' | 'tcp' }))[];
export type RowId = (typeof ROWS)[number]['id'];

/** One row's run of one round. */
export interface Reading {
  id: RowId;
  round: number;
  requests: number;
  perSecond: number;
  /** CPU seconds of the process over the load (user and system). */
  cpuSeconds: number;
  /** Its peak resident memory (VmHWM), MiB. */
  peakMib: number;
  errors: number;
}

export interface LayerRow {
  id: RowId;
  label: string;
  perSecond: Spread;
  /** CPU µs per request. */
  cpuUs: Spread;
  peakMib: Spread;
  /** The median CPU µs per request over the probe row before it (undefined for the first row and tls-proxy's tcp mode). */
  addedUs?: number;
}

/** CPU time per request in µs from a process's ticks over the load. */
export const usPerRequest = (r: Pick<Reading, 'cpuSeconds' | 'requests'>) => (r.cpuSeconds * 1e6) / r.requests;

/** The rows with their spreads over the rounds, in the order of ROWS; a row with no reading is left out. */
export function summarizeLayers(readings: readonly Reading[]): LayerRow[] {
  const rows: LayerRow[] = [];
  for (const row of ROWS) {
    const mine = readings.filter((r) => r.id === row.id);
    if (!mine.length) continue;
    const cpuUs = spread(mine.map(usPerRequest));
    const before = row.id === 'tls-proxy-tcp' ? undefined : rows.at(-1);
    rows.push({
      id: row.id,
      label: row.label,
      perSecond: spread(mine.map((r) => r.perSecond)),
      cpuUs,
      peakMib: spread(mine.map((r) => r.peakMib)),
      addedUs: before ? cpuUs.median - before.cpuUs.median : undefined,
    });
  }
  return rows;
}

const us = (v: number) => v.toFixed(1);
const signed = (v: number | undefined) => (v === undefined ? '' : `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(1)}`);

/** The table: each row's CPU per request, what it adds to the row before, its throughput and peak RSS (medians, with ranges). */
export function layersMarkdown(rows: readonly LayerRow[]): string[] {
  return [
    '| what the process does for each request | CPU µs per request | added to the row before | req/s | peak RSS, MiB |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.label} | ${showSpread(r.cpuUs, us)} | ${signed(r.addedUs)} | ${showSpread(r.perSecond, n0)} | ${showSpread(r.peakMib, (v) => v.toFixed(1))} |`,
    ),
  ];
}
