// Scans -> snapshots: CPU % from the tracker, redaction when cmdline/environ are shown, and the
// environ self-check for every process seen for the first time.
import { CpuTracker, processKey } from './cpu.js';
import { bootTime, HZ, readText, startDate, type Read } from '../../lib/proc.js';
import { redactArgs, redactEnv, type IsSecret } from './redact.js';
import { scan, type ScanOptions, type ScanResult } from './scan.js';
import type { ProcessView, Snapshot } from './schema.js';
import { exposureWarning, readableEnvirons, type Exposure, type SelfCheckIo } from './selfcheck.js';

export interface InspectorOptions extends Omit<ScanOptions, 'read'> {
  isSecret: IsSecret;
  historyLength: number;
  selfPid: number;
  user: (uid: number) => string;
  minWindowMs?: number;
  read?: Read;
  selfCheck?: SelfCheckIo;
  /** Called once for each newly found process whose environ topz can read. */
  onExposure?: (e: Exposure) => void;
}

/** Warnings kept for responses; the log has every one. */
const MAX_WARNINGS = 20;

export class Inspector {
  private readonly cpu: CpuTracker;
  private readonly btime: number;
  private readonly checked = new Set<string>();
  readonly warnings: string[] = [];
  last?: ScanResult;

  constructor(private readonly o: InspectorOptions) {
    this.cpu = new CpuTracker(o.minWindowMs ?? 200, o.historyLength, HZ);
    this.btime = bootTime(o.root, o.read ?? readText);
  }

  /** A fresh scan. record: the periodic sampler's scans feed the CPU history. */
  snapshot({ record = false } = {}): Snapshot {
    const r = scan({ ...this.o, read: this.o.read ?? readText });
    this.last = r;
    const keys = r.processes.map((p) => processKey(p.pid, p.startTicks));
    this.selfCheck(r, keys);
    const pct = this.cpu.observe(
      r.processes.map((p, i) => ({ key: keys[i]!, ticks: p.cpuTicks })),
      r.at,
      { record, complete: r.truncated === null },
    );
    const processes = r.processes.map((p, i): ProcessView => {
      const v: ProcessView = {
        pid: p.pid,
        ppid: p.ppid,
        name: p.comm,
        state: p.state,
        cpuPercent: pct.get(keys[i]!) ?? null,
        cpuHistory: this.cpu.history(keys[i]!),
        rssBytes: p.rssBytes,
        threads: p.threads,
        startTime: startDate(this.btime, p.startTicks).toISOString(),
        uid: p.uid,
        user: this.o.user(p.uid),
        self: p.pid === this.o.selfPid,
      };
      if (this.o.cmdline) v.cmdline = redactArgs(p.cmdline ?? [], this.o.isSecret);
      if (this.o.environ) v.environ = p.environ ? redactEnv(p.environ, this.o.isSecret) : null;
      return v;
    });
    return {
      schema: 'topz/v1',
      scannedAt: new Date(Date.now() - (performance.now() - r.at)).toISOString(),
      scanMs: Math.round(r.ms * 1000) / 1000,
      truncated: r.truncated,
      skipped: r.skipped,
      limits: { maxProcesses: this.o.maxProcesses, scanTimeoutMs: this.o.timeoutMs },
      shown: { cmdline: this.o.cmdline, environ: this.o.environ },
      warnings: [...this.warnings],
      processes,
    };
  }

  /** Adds a warning (also used for the privilege check at start). */
  warn(message: string): void {
    if (this.warnings.length < MAX_WARNINGS && !this.warnings.includes(message)) this.warnings.push(message);
  }

  private selfCheck(r: ScanResult, keys: string[]): void {
    const fresh = r.processes.filter((_, i) => !this.checked.has(keys[i]!));
    if (!fresh.length) return;
    for (const k of keys) this.checked.add(k);
    const seen = new Set(keys);
    if (r.truncated === null) for (const k of [...this.checked]) if (!seen.has(k)) this.checked.delete(k);
    for (const e of readableEnvirons(
      this.o.root,
      this.o.selfPid,
      fresh.map((p) => p.pid),
      { read: this.o.read, ...this.o.selfCheck },
    )) {
      this.warn(exposureWarning(e));
      this.o.onExposure?.(e);
    }
  }
}
