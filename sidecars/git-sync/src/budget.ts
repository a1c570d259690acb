// The failure budget: transient git errors are retried at the next period while the last good tree
// stays published; only a run of more than `max` consecutive failures gives up (exit 1), so an
// outage of the git server does not turn into a crash loop, and a permanent error still surfaces.
export type Outcome = 'retry' | 'exhausted';

export class FailureBudget {
  private run = 0;
  constructor(readonly max: number) {}

  /** Consecutive failures so far. */
  get consecutive(): number {
    return this.run;
  }
  /** Failures still tolerated before the next one exhausts the budget. */
  get remaining(): number {
    return Math.max(0, this.max - this.run);
  }

  success(): void {
    this.run = 0;
  }

  failure(): Outcome {
    this.run++;
    return this.run > this.max ? 'exhausted' : 'retry';
  }
}
