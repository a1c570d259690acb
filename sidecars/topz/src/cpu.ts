// CPU % from the difference between two scans, never from a process's lifetime average.
// A process is keyed by PID and start time, so a reused PID starts over without a baseline.
import { HZ } from '../../lib/proc.js';

export interface CpuSample {
  key: string;
  ticks: number;
}

/** Share of one CPU, in percent, used between two samples: ticks are 1/hz s of CPU time. */
export function cpuPercent(ticksBefore: number, ticksAfter: number, elapsedMs: number, hz = HZ): number {
  if (elapsedMs <= 0 || ticksAfter < ticksBefore) return 0;
  return ((ticksAfter - ticksBefore) / hz / (elapsedMs / 1000)) * 100;
}

export const processKey = (pid: number, startTicks: number) => `${pid}@${startTicks}`;

interface Baseline {
  ticks: number;
  at: number;
  last: number | null;
}

export class CpuTracker {
  private readonly base = new Map<string, Baseline>();
  private readonly hist = new Map<string, number[]>();

  /**
   * @param minWindowMs a baseline younger than this is kept (and its last result reused), so two
   *   requests a few ms apart do not turn one scheduler tick into a 100 % spike.
   */
  constructor(
    private readonly minWindowMs = 200,
    private readonly historyLength = 30,
    private readonly hz = HZ,
  ) {}

  /**
   * One scan's samples at monotonic time `at` (ms) -> CPU % per key; null until a process has a baseline.
   * record: append the results to the history (the periodic sampler does; requests do not).
   * complete: the scan saw every process, so keys it did not see are dropped.
   */
  observe(samples: CpuSample[], at: number, { record = false, complete = true } = {}): Map<string, number | null> {
    const out = new Map<string, number | null>();
    for (const s of samples) {
      const b = this.base.get(s.key);
      let pct: number | null = null;
      if (!b) this.base.set(s.key, { ticks: s.ticks, at, last: null });
      else if (at - b.at < this.minWindowMs) pct = b.last;
      else {
        pct = round(cpuPercent(b.ticks, s.ticks, at - b.at, this.hz));
        this.base.set(s.key, { ticks: s.ticks, at, last: pct });
      }
      out.set(s.key, pct);
      if (record && pct !== null && this.historyLength > 0) {
        const h = this.hist.get(s.key) ?? [];
        h.push(pct);
        if (h.length > this.historyLength) h.splice(0, h.length - this.historyLength);
        this.hist.set(s.key, h);
      }
    }
    if (complete) {
      for (const key of [...this.base.keys()])
        if (!out.has(key)) {
          this.base.delete(key);
          this.hist.delete(key);
        }
    }
    return out;
  }

  history(key: string): number[] {
    return [...(this.hist.get(key) ?? [])];
  }

  get tracked(): number {
    return this.base.size;
  }
}

const round = (n: number) => Math.round(n * 10) / 10;
