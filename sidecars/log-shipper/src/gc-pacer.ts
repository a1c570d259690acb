// A full garbage collection paced by the records read. JavaScriptCore collects when what was allocated
// since its last collection passes a share of the heap, and lets the heap grow to about twice what was
// live after a full collection; the records of a full-speed pass are many short-lived objects, so the
// heap grew to several times the live records before anything collected it (bench:logs: 152-170 MiB).
// One full collection every GC_EVERY_RECORDS records read holds it near what is live, at a cost that
// scales with the records, and none while idle. Measured in docs/benchmarks.md (bench:logs).
// When a burst is over (nothing left to read, ship or acknowledge), idle() gives memory back once: the
// pools of buffers a burst filled are dropped and one more full collection frees them and the heap the
// burst grew. Not after a trickle of a few records, which would collect for nothing.

/** Records read between two full collections. */
export const GC_EVERY_RECORDS = 10_000;
/** Records read since the last idle release for the next idle moment to release again. */
export const IDLE_AFTER_RECORDS = 1000;

type Collect = () => void;

/** Bun's synchronous full collection; nothing on a runtime without it. */
const bunGc: Collect = () => (globalThis as { Bun?: { gc(sync: boolean): void } }).Bun?.gc(true);

export class GcPacer {
  private since = 0;
  private sinceIdle = 0;

  constructor(
    private readonly every: number,
    private readonly collect: Collect = bunGc,
    private readonly idleAfter = IDLE_AFTER_RECORDS,
  ) {}

  /** Counts records read; collects once every `every` of them. */
  read(records: number): void {
    this.since += records;
    this.sinceIdle += records;
    if (this.since < this.every) return;
    this.since = 0;
    this.collect();
  }

  /** Reading and shipping are idle: after a burst of at least `idleAfter` records, runs release (which drops
   * what the burst kept for reuse), then one full collection; true when it did. */
  idle(release: () => void): boolean {
    if (this.sinceIdle < this.idleAfter) return false;
    this.sinceIdle = 0;
    this.since = 0;
    release();
    this.collect();
    return true;
  }
}
