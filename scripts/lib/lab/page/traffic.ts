// The Actions view's traffic: each sidecar's counters of the run picked (GET /api/traffic, from its own
// /metrics), read every 2 s while the view is shown, as rates per second between two reads; for a run with its
// own Prometheus (mesh), the graph of its services, each edge with its rate, error ratio and p99.
import type { Edge } from '../mesh.js';
import type { TrafficAnswer } from '../traffic.js';
import type { Client } from './api.js';
import { h } from './dom.js';
import { type Rate, rates } from './steps.js';

export class TrafficPanel {
  private readonly list = h('ul', { 'data-testid': 'traffic', class: 'traffic' });
  private readonly graph = h('div', { 'data-testid': 'mesh-graph' });
  readonly el = h(
    'div',
    {},
    h('p', { class: 'meta' }, 'From each sidecar’s own /metrics, read every 2 s while this view is shown.'),
    this.list,
    this.graph,
  );
  private last?: TrafficAnswer;
  private poll?: ReturnType<typeof setInterval>;

  constructor(
    private readonly api: Client,
    private readonly project: () => string,
  ) {}

  shown(on: boolean): void {
    clearInterval(this.poll);
    this.poll = on ? setInterval(() => void this.read(), 2000) : undefined;
    if (on) void this.read();
  }

  private async read(): Promise<void> {
    const project = this.project();
    if (!project) {
      this.graph.replaceChildren();
      return this.list.replaceChildren();
    }
    let t: TrafficAnswer;
    try {
      t = await this.api.get<TrafficAnswer>(`/api/traffic?project=${encodeURIComponent(project)}`);
    } catch {
      return;
    }
    const shown = rates(this.last, t);
    this.last = t;
    this.list.replaceChildren(...(shown.length ? shown.map(line) : [h('li', {}, 'No sidecar of this run counts its traffic.')]));
    if (!t.mesh) this.graph.replaceChildren();
    else if ('why' in t.mesh) this.graph.replaceChildren(h('p', { class: 'warn' }, `The mesh’s edges cannot be read: ${t.mesh.why}`));
    else
      this.graph.replaceChildren(
        h('h4', {}, 'The mesh, from its Prometheus (the last 15 s)'),
        meshGraph(t.mesh.edges),
        edgeList(t.mesh.edges),
      );
  }
}

function line(r: Rate): HTMLElement {
  const rate = r.perSecond === null ? 'measuring…' : `${r.perSecond.toFixed(1)}/s`;
  return h(
    'li',
    {
      'data-testid': 'rate',
      'data-service': r.service,
      'data-what': r.what,
      'data-per-second': r.perSecond === null ? '' : String(r.perSecond),
    },
    h('code', {}, r.service),
    r.why ? `: ${r.why}` : ` ${r.what}: ${rate} (${r.total} in all)`,
  );
}

/** An edge in words: `frontend → backend: 12.5/s, 0.0% errors, p99 41 ms`. */
export function edgeText(e: Edge): string {
  const errors = e.errorRatio === null ? 'no requests' : `${(e.errorRatio * 100).toFixed(1)}% errors`;
  const p99 = e.p99Seconds === null ? 'p99 unknown' : `p99 ${Math.round(e.p99Seconds * 1000)} ms`;
  return `${e.from} → ${e.to}: ${e.rps.toFixed(1)}/s, ${errors}, ${p99}`;
}

function edgeList(edges: Edge[]): HTMLElement {
  if (!edges.length) return h('p', { class: 'notice' }, 'No requests between the services in the last 15 s.');
  return h(
    'ul',
    {},
    edges.map((e) =>
      h(
        'li',
        {
          'data-testid': 'edge',
          'data-from': e.from,
          'data-to': e.to,
          'data-rps': String(e.rps),
          'data-p99': e.p99Seconds === null ? '' : String(e.p99Seconds),
        },
        edgeText(e),
      ),
    ),
  );
}

const SVG = 'http://www.w3.org/2000/svg';
function svg(tag: string, attrs: Record<string, string>, text?: string): SVGElement {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  if (text !== undefined) el.textContent = text;
  return el;
}

/** The services left to right by how far they are from a caller no one calls, each edge an arrow with its rate. */
function meshGraph(edges: Edge[]): SVGElement {
  const depth = new Map<string, number>();
  const names = [...new Set(edges.flatMap((e) => [e.from, e.to]))].sort();
  for (const n of names) if (!edges.some((e) => e.to === n)) depth.set(n, 0);
  for (let pass = 0; pass < names.length; pass++)
    for (const e of edges) if (depth.has(e.from) && !depth.has(e.to)) depth.set(e.to, depth.get(e.from)! + 1);
  for (const n of names) if (!depth.has(n)) depth.set(n, 0);
  const columns = new Map<number, string[]>();
  for (const n of names) columns.set(depth.get(n)!, [...(columns.get(depth.get(n)!) ?? []), n]);
  const at = new Map<string, { x: number; y: number }>();
  for (const [d, ns] of columns) ns.forEach((n, i) => at.set(n, { x: 80 + d * 380, y: 40 + i * 70 }));
  const width = 160 + Math.max(0, ...columns.keys()) * 380;
  const height = 40 + Math.max(1, ...[...columns.values()].map((c) => c.length)) * 70;
  const root = svg('svg', {
    width: String(width),
    height: String(height),
    role: 'img',
    'aria-label': 'The mesh’s services and the requests between them',
  });
  const marker = svg('marker', {
    id: 'arrow',
    viewBox: '0 0 10 10',
    refX: '10',
    refY: '5',
    markerWidth: '8',
    markerHeight: '8',
    orient: 'auto',
  });
  marker.append(svg('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#333' }));
  const defs = svg('defs', {});
  defs.append(marker);
  root.append(defs);
  for (const e of edges) {
    const [a, b] = [at.get(e.from)!, at.get(e.to)!];
    root.append(
      svg('line', {
        x1: String(a.x + 60),
        y1: String(a.y),
        x2: String(b.x - 60),
        y2: String(b.y),
        stroke: '#333',
        'marker-end': 'url(#arrow)',
      }),
    );
    root.append(
      svg(
        'text',
        { x: String((a.x + b.x) / 2), y: String((a.y + b.y) / 2 - 6), 'text-anchor': 'middle', 'font-size': '12' },
        edgeText(e).split(': ')[1],
      ),
    );
  }
  for (const [n, p] of at) {
    root.append(
      svg('rect', { x: String(p.x - 60), y: String(p.y - 16), width: '120', height: '32', rx: '6', fill: '#fff', stroke: '#333' }),
    );
    root.append(svg('text', { x: String(p.x), y: String(p.y + 5), 'text-anchor': 'middle', 'font-weight': '700' }, n));
  }
  return root;
}
