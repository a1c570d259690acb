// One scan of the proc root, bounded by a process cap and a time cap. Processes that vanish or
// cannot be read while the scan runs are counted and skipped; the scan itself always succeeds.
import { readdirSync } from 'node:fs';
import { listPids, readText, type Read } from '../../lib/proc.js';
import { readProcess, type RawProcess } from './proc.js';

export type Truncation = null | 'maxProcesses' | 'scanTimeout';

export interface ScanOptions {
  root: string;
  maxProcesses: number;
  timeoutMs: number;
  cmdline: boolean;
  environ: boolean;
  /** Monotonic clock in ms (injectable for tests). */
  now?: () => number;
  read?: Read;
  list?: (root: string) => string[];
}

export interface ScanResult {
  processes: RawProcess[];
  skipped: { vanished: number; unreadable: number };
  truncated: Truncation;
  /** Monotonic time the scan started, for CPU deltas. */
  at: number;
  ms: number;
}

export const monotonicMs = () => performance.now();

export function scan(o: ScanOptions): ScanResult {
  const now = o.now ?? monotonicMs;
  const t0 = now();
  const processes: RawProcess[] = [];
  const skipped = { vanished: 0, unreadable: 0 };
  let truncated: Truncation = null;
  for (const pid of listPids((o.list ?? ((r: string) => readdirSync(r)))(o.root))) {
    if (processes.length >= o.maxProcesses) {
      truncated = 'maxProcesses';
      break;
    }
    if (now() - t0 > o.timeoutMs) {
      truncated = 'scanTimeout';
      break;
    }
    const r = readProcess(o.root, pid, { cmdline: o.cmdline, environ: o.environ }, o.read ?? readText);
    if ('ok' in r) processes.push(r.ok);
    else skipped[r.skipped]++;
  }
  return { processes, skipped, truncated, at: t0, ms: now() - t0 };
}
