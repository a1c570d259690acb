// A small Prometheus registry: counters, gauges and histograms, rendered as text format 0.0.4.
// Each metric is registered with its type, help and the names of its labels, so the registry can also
// list what it holds: the README's metrics table is generated from that list (`npm run gen`).
type Labels = Record<string, string>;

export type MetricType = 'counter' | 'gauge' | 'histogram';
/** What a metric is, apart from its values: one row of a sidecar's metrics table. */
export interface Definition {
  name: string;
  type: MetricType;
  help: string;
  labels: readonly string[];
}

const key = (labels: Labels) => JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
const esc = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
function fmtLabels(labels: Labels, extra: Labels = {}): string {
  const all = { ...labels, ...extra };
  const parts = Object.entries(all).map(([k, v]) => `${k}="${esc(v)}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

interface Metric {
  readonly definition: Definition;
  render(): string[];
}

abstract class Series {
  protected readonly values = new Map<string, { labels: Labels; value: number }>();
  abstract readonly definition: Definition;
  protected entry(labels: Labels) {
    const k = key(labels);
    let e = this.values.get(k);
    if (!e) this.values.set(k, (e = { labels, value: 0 }));
    return e;
  }
  get(labels: Labels = {}): number {
    return this.values.get(key(labels))?.value ?? 0;
  }
  /** Label names used by a series but not declared at registration (a test keeps this empty). */
  undeclaredLabels(): string[] {
    const used = new Set([...this.values.values()].flatMap((e) => Object.keys(e.labels)));
    return [...used].filter((l) => !this.definition.labels.includes(l)).sort();
  }
}

export class Counter extends Series implements Metric {
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labels: readonly string[] = [],
  ) {
    super();
  }
  get definition(): Definition {
    return { name: this.name, type: 'counter', help: this.help, labels: this.labels };
  }
  inc(labels: Labels = {}, by = 1): void {
    this.entry(labels).value += by;
  }
  /** One label set's series as a handle, for hot paths: its inc() skips building the series key each time. */
  series(labels: Labels = {}): { inc(by?: number): void } {
    const e = this.entry(labels);
    return {
      inc: (by = 1) => {
        e.value += by;
      },
    };
  }
  render(): string[] {
    return [
      `# HELP ${this.name} ${this.help}`,
      `# TYPE ${this.name} counter`,
      ...[...this.values.values()].map((e) => `${this.name}${fmtLabels(e.labels)} ${e.value}`),
    ];
  }
}

export class Gauge extends Series implements Metric {
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly collect?: () => void,
    readonly labels: readonly string[] = [],
  ) {
    super();
  }
  get definition(): Definition {
    return { name: this.name, type: 'gauge', help: this.help, labels: this.labels };
  }
  set(value: number, labels: Labels = {}): void {
    this.entry(labels).value = value;
  }
  inc(labels: Labels = {}, by = 1): void {
    this.entry(labels).value += by;
  }
  dec(labels: Labels = {}, by = 1): void {
    this.entry(labels).value -= by;
  }
  /** Replaces every series, for info-style gauges such as a certificate's serial. */
  reset(): void {
    this.values.clear();
  }
  render(): string[] {
    this.collect?.();
    return [
      `# HELP ${this.name} ${this.help}`,
      `# TYPE ${this.name} gauge`,
      ...[...this.values.values()].map((e) => `${this.name}${fmtLabels(e.labels)} ${e.value}`),
    ];
  }
}

interface Buckets {
  labels: Labels;
  counts: number[];
  sum: number;
  count: number;
}

/** A histogram: without labels, one series from the start; with labels, a series per label set, each rendered
 * from its first observe() or series() on. `le` is added on the _bucket lines. */
export class Histogram implements Metric {
  private readonly series_ = new Map<string, Buckets>();
  /** The one series of a histogram without labels. */
  private readonly bare?: Buckets;
  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: number[],
    readonly labels: readonly string[] = [],
  ) {
    if (!labels.length) this.bare = this.entry({});
  }
  get definition(): Definition {
    return { name: this.name, type: 'histogram', help: this.help, labels: [...this.labels, 'le'] };
  }
  private entry(labels: Labels): Buckets {
    const k = key(labels);
    let e = this.series_.get(k);
    if (!e) this.series_.set(k, (e = { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 }));
    return e;
  }
  /** One label set's series as a handle, for hot paths (and so that it renders, with zeros, before its first value). */
  series(labels: Labels = {}): { observe(value: number): void } {
    const e = this.entry(labels);
    return { observe: (value) => this.add(e, value) };
  }
  observe(value: number, labels?: Labels): void {
    this.add(labels || !this.bare ? this.entry(labels ?? {}) : this.bare, value);
  }
  private add(e: Buckets, value: number): void {
    e.sum += value;
    e.count++;
    for (let i = 0; i < this.buckets.length; i++) if (value <= this.buckets[i]!) e.counts[i]!++;
  }
  /** Label names used by a series but not declared at registration (a test keeps this empty). */
  undeclaredLabels(): string[] {
    const used = new Set([...this.series_.values()].flatMap((e) => Object.keys(e.labels)));
    return [...used].filter((l) => !this.labels.includes(l)).sort();
  }
  render(): string[] {
    return [
      `# HELP ${this.name} ${this.help}`,
      `# TYPE ${this.name} histogram`,
      ...[...this.series_.values()].flatMap((e) => [
        ...this.buckets.map((b, i) => `${this.name}_bucket${fmtLabels(e.labels, { le: String(b) })} ${e.counts[i]}`),
        `${this.name}_bucket${fmtLabels(e.labels, { le: '+Inf' })} ${e.count}`,
        `${this.name}_sum${fmtLabels(e.labels)} ${e.sum}`,
        `${this.name}_count${fmtLabels(e.labels)} ${e.count}`,
      ]),
    ];
  }
}

export interface GaugeOptions {
  /** Names of the labels its series carry. */
  labels?: readonly string[];
  /** Runs before each render, to set the value(s) from the world. */
  collect?: (this: Gauge) => void;
}

export class Registry {
  private readonly metrics: Metric[] = [];
  /** prefix is the sidecar's metric namespace, e.g. tls_proxy. */
  constructor(readonly prefix: string) {
    const started = Date.now() / 1000;
    this.gauge('process_start_time_seconds', 'Start time of the process since the Unix epoch, in seconds.').set(started);
    this.gauge('process_resident_memory_bytes', 'Resident memory size in bytes.', {
      collect() {
        this.set(process.memoryUsage.rss());
      },
    });
  }
  private add<M extends Metric>(m: M): M {
    this.metrics.push(m);
    return m;
  }
  private full(name: string) {
    return name.startsWith('process_') ? name : `${this.prefix}_${name}`;
  }
  counter(name: string, help: string, labels: readonly string[] = []) {
    return this.add(new Counter(this.full(name), help, labels));
  }
  gauge(name: string, help: string, { labels = [], collect }: GaugeOptions = {}) {
    const g: Gauge = new Gauge(this.full(name), help, collect && (() => collect.call(g)), labels);
    return this.add(g);
  }
  histogram(name: string, help: string, buckets: number[], labels: readonly string[] = []) {
    return this.add(new Histogram(this.full(name), help, buckets, labels));
  }
  /** Every registered metric, in registration order: the source of the README's metrics table. */
  definitions(): Definition[] {
    return this.metrics.map((m) => m.definition);
  }
  /** `name: label, ...` for each metric whose series carry a label it did not declare; empty when all are declared. */
  undeclaredLabels(): string[] {
    return this.metrics.flatMap((m) => {
      const extra = m instanceof Series || m instanceof Histogram ? m.undeclaredLabels() : [];
      return extra.length ? [`${m.definition.name}: ${extra.join(', ')}`] : [];
    });
  }
  render(): string {
    return `${this.metrics.flatMap((m) => m.render()).join('\n')}\n`;
  }
}

/** Parses Prometheus text into `name{labels}` -> value, for tests and scenario assertions. */
export function parseMetrics(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    out.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return out;
}
