// The read loop: list the directory every scan interval, read what is new within the shipper's memory
// budget, hand the records to the shipper, and sleep a poll interval when a pass found nothing.
import type { Readiness } from '../../lib/admin.js';
import type { Logger } from '../../lib/log.js';
import { GC_EVERY_RECORDS, GcPacer } from './gc-pacer.js';
import type { ShipperMetrics } from './metrics.js';
import type { Shipper } from './shipper.js';
import type { Tailer } from './tailer.js';
import type { Shipped } from './tracked.js';

export interface PumpOptions {
  scanIntervalMs: number;
  pollIntervalMs: number;
  multilineTimeoutMs: number;
  /** Runs after every pass: sets the gauges that describe the files (lag, count, registry age). */
  report?: () => void;
  /** A pass running longer than this is a stalled reader (not ready). */
  stallAfterMs: number;
  /** Drops the buffers kept for reuse: run when a burst is over, before the collection that frees them. */
  release?: () => void;
}

export class Pump {
  private stopped = false;
  private loop: Promise<void> | undefined;
  private lastScan = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private wake: (() => void) | undefined;
  /** The last pass read nothing because there was no budget. */
  private starved = false;
  scanned = false;

  constructor(
    private readonly o: PumpOptions,
    private readonly tailer: Tailer,
    private readonly shipper: Shipper,
    private readonly m: ShipperMetrics,
    private readonly log: Logger,
    private readonly gc = new GcPacer(GC_EVERY_RECORDS),
  ) {}

  /** One pass: scan when due (or forced), read within the budget, flush timed-out multi-line records. */
  async pass(force = false, multilineTimeoutMs = this.o.multilineTimeoutMs): Promise<number> {
    const now = Date.now();
    this.m.pass.startedAt = now;
    try {
      return await this.passAt(now, force, multilineTimeoutMs);
    } finally {
      this.m.pass.startedAt = 0;
    }
  }

  /** Not ready while a pass has run longer than stallAfterMs: a listing or a read that hangs stops
   * shipping for every file, and the process is alive, so /healthz alone would hide it. */
  readiness(now = Date.now()): Readiness {
    const since = this.m.pass.startedAt;
    if (!since || now - since < this.o.stallAfterMs) return { ready: true };
    return { ready: false, reason: `read loop stalled: one pass over --dir has run ${Math.round((now - since) / 1000)} s` };
  }

  private async passAt(now: number, force: boolean, multilineTimeoutMs: number): Promise<number> {
    // Until the read: a pass that fails before it (a listing that throws) is not starved, so the loop sleeps.
    this.starved = false;
    if (force || now - this.lastScan >= this.o.scanIntervalMs) {
      await this.tailer.scan();
      this.lastScan = now;
      this.scanned = true;
    }
    const out: Shipped[] = [];
    const lines0 = this.tailer.lines.n;
    const budget = this.shipper.budget;
    this.starved = budget === 0;
    const n = await this.tailer.read(budget, out, now);
    this.tailer.flush(out, multilineTimeoutMs);
    this.m.readBytes.inc({}, n);
    this.m.readLines.inc({}, this.tailer.lines.n - lines0);
    this.shipper.enqueue(out);
    this.gc.read(out.length);
    this.o.report?.();
    return n;
  }

  start(): void {
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let n = 0;
      try {
        n = await this.pass();
      } catch (e) {
        this.log.error('reading the log directory failed; trying again', { err: e });
      }
      if (n || this.stopped) continue;
      // The pass had no budget, and budget has freed since (before a nudge could find the loop asleep): read on.
      if (this.starved && this.shipper.budget > 0) continue;
      // Nothing read, and nothing left to ship or acknowledge: a burst is over, give its memory back.
      if (this.shipper.buffered === 0) this.gc.idle(() => this.o.release?.());
      await this.pause(this.o.pollIntervalMs);
    }
  }

  /** Ends a pause early: the shipper freed budget, so reading can go on at once. */
  nudge(): void {
    if (this.shipper.budget <= 0) return;
    clearTimeout(this.timer);
    this.wake?.();
  }

  private pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      this.wake = resolve;
      this.timer = setTimeout(resolve, ms);
    }).finally(() => {
      this.wake = undefined;
    });
  }

  /** Stops the loop, then reads everything still in the files (all of it, as the budget frees up) and
   * completes open multi-line records: at drain, all the app wrote before it stopped is handed over. */
  async finish(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.wake?.();
    await this.loop;
    await this.pass(true, 0);
    for (;;) {
      const n = await this.pass(false, 0);
      if (n) continue;
      if (!this.starved) break; // the pass had budget and found nothing new: all is read
      if (this.shipper.budget > 0) continue; // budget freed during the pass
      await this.shipper.idle(); // the budget is spent: wait for acknowledgements, then read on
    }
  }
}
