// The one conditions block every benchmark states: when it ran and for how long, the machine, its
// load over the run, and the versions measured; then what is particular to that benchmark (pinning,
// pacing, the baseline...), one line each.
import { readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { $ } from 'zx';
import type { Table } from '../../sidecars/lib/params.js';
import type { Spec } from '../../sidecars/lib/parse.js';
import { VERSION } from '../lib/config.js';
import { runtimeVars } from '../lib/docs-gen.js';
import { percentile } from './stats.js';

export interface Load {
  start: number;
  end: number;
  p50?: number;
  min?: number;
  max?: number;
  samples?: number;
}

export interface Conditions {
  /** When the run started, e.g. "2026-11-21 07:31 UTC". */
  date: string;
  minutes: number;
  machine: string;
  /** The 1-minute load average: at the start and the end, and over every sample when the bench took more. */
  load: Load;
  versions: Record<string, string>;
  /** What this benchmark adds, one "Label: text" line each. */
  notes: string[];
}

const utc = (d: Date) => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** CPU count and model, memory, kernel: the machine in one line. */
export function machine(): string {
  const model =
    /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `${cpus().length} × ${model}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Linux ${release()}; shared with other engineers' workloads`;
}

export async function dockerVersion(): Promise<string> {
  return (await $`docker version --format ${'{{.Server.Version}}'}`.quiet().nothrow()).stdout.trim() || 'unknown';
}

/** Started when a benchmark starts; sample() the load now and then; finish() states the conditions. */
export class BenchClock {
  readonly started = new Date();
  private readonly loads = [loadavg()[0]!];

  sample(): void {
    this.loads.push(loadavg()[0]!);
  }

  /** The conditions, with the versions every bench states (sidecar-lab, the host's Node.js, Docker) before the bench's own. */
  async finish(o: { versions?: Record<string, string>; notes?: string[] } = {}): Promise<Conditions> {
    this.sample();
    const l = this.loads;
    const load: Load =
      l.length > 2
        ? { start: l[0]!, end: l.at(-1)!, p50: percentile(l, 50), min: Math.min(...l), max: Math.max(...l), samples: l.length }
        : { start: l[0]!, end: l.at(-1)! };
    return {
      date: utc(this.started),
      minutes: (Date.now() - this.started.getTime()) / 60000,
      machine: machine(),
      load,
      versions: {
        'sidecar-lab': VERSION,
        'Node.js on the host': `${process.version} (OpenSSL ${process.versions.openssl})`,
        Docker: await dockerVersion(),
        ...o.versions,
      },
      notes: o.notes ?? [],
    };
  }
}

const f1 = (v: number) => v.toFixed(1);

/** The block, in Markdown. */
export function conditionsBlock(c: Conditions): string {
  const l = c.load;
  const over = l.samples ? ` (over ${l.samples} samples: p50 ${f1(l.p50!)}, min ${f1(l.min!)}, max ${f1(l.max!)})` : '';
  return [
    '**Conditions.**',
    '',
    `- Date: ${c.date}; the run took ${c.minutes.toFixed(1)} min.`,
    `- Machine: ${c.machine}.`,
    `- Load: 1-minute load average ${f1(l.start)} at the start, ${f1(l.end)} at the end${over}.`,
    `- Versions: ${Object.entries(c.versions)
      .map(([k, v]) => `${k} ${v}`)
      .join('; ')}.`,
    ...c.notes.map((n) => `- ${n}`),
  ].join('\n');
}

/** A sidecar image's runtime settings (its spec's runtime, checked as the generator checks it): `NAME=value`, …, or none. */
export function runtimeText(spec: Spec<Table>): string {
  const vars = runtimeVars(spec);
  return vars.length ? vars.join(', ') : 'none';
}

/** The conditions line of a bench that runs floors in a sidecar's image: they inherit its runtime settings too. */
export function runtimeLine(spec: Spec<Table>): string {
  return `Runtime settings: the ${spec.name} image sets ${runtimeText(spec)} for Bun (sidecars/${spec.name}/README.md says why, under its parameters). Every Bun started in that image runs with them: the sidecar, and the floors, which run in the same image with an entrypoint of their own. nginx and HAProxy are not Bun.`;
}
