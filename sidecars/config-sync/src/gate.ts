// The apply gate behind --min-apply-interval: at most one apply starts per interval. A change that
// comes after a quiet spell runs at once (no added latency); changes that come sooner wait for the
// interval to end and are coalesced, because each run applies whatever is newest by then.
// Runs never overlap. A run that reports it changed nothing (a rejected value) does not use up the
// interval, so a good value right after a bad one is not held back.
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(t: unknown): void;
}
const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (t) => clearTimeout(t as NodeJS.Timeout),
};

export class ApplyGate {
  private pending = false;
  private running: Promise<void> | undefined;
  private timer: unknown;
  private last = -Infinity;
  private stopped = false;

  /** run resolves true when it applied something (which starts a new interval). */
  constructor(
    private readonly intervalMs: number,
    private readonly run: () => Promise<boolean>,
    private readonly clock: Clock = realClock,
  ) {}

  /** Something changed: run now, or once the interval since the last apply is over. */
  notify(): void {
    this.pending = true;
    this.kick();
  }

  /** Milliseconds until a pending change may run (0 when it may run now). */
  get waitMs(): number {
    return Math.max(0, this.last + this.intervalMs - this.clock.now());
  }

  /** Resolves when nothing is running and nothing is pending that could run now. */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  /** No run starts after this; resolves when the current one (if any) is done. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    await this.settled();
  }

  private kick(): void {
    if (this.stopped || this.running || !this.pending || this.timer !== undefined) return;
    const wait = this.waitMs;
    if (wait > 0) {
      this.timer = this.clock.setTimeout(() => {
        this.timer = undefined;
        this.kick();
      }, wait);
      return;
    }
    this.pending = false;
    const started = this.clock.now();
    this.running = this.run()
      .then(
        (applied) => {
          if (applied) this.last = started;
        },
        () => {
          this.last = started;
        },
      )
      .finally(() => {
        this.running = undefined;
        this.kick();
      });
  }
}
