// The retry budget (Linkerd's, after Finagle's): over the last 10 seconds, retries may be at most
// `percent` of the requests, plus `minPerSecond` for each second of the window, so that retries can
// never multiply the load of a failing service by more than 1 + percent/100.
const WINDOW_S = 10;

export class RetryBudget {
  private readonly requests = new Array<number>(WINDOW_S).fill(0);
  private readonly retries = new Array<number>(WINDOW_S).fill(0);
  private second = 0;

  constructor(
    private readonly percent: number,
    private readonly minPerSecond: number,
    private readonly now: () => number = () => Date.now(),
  ) {
    this.second = Math.floor(this.now() / 1000);
  }

  /** Counts a request (its first try). */
  request(): void {
    this.requests[this.roll()]!++;
  }

  /** Requests and retries counted over the last 10 s: what the budget is computed from now. */
  window(): { requests: number; retries: number } {
    this.roll();
    return { requests: this.requests.reduce((a, b) => a + b, 0), retries: this.retries.reduce((a, b) => a + b, 0) };
  }

  /** Takes one retry from the budget; false when it is spent. */
  withdraw(): boolean {
    const { requests, retries } = this.window();
    const i = this.roll();
    if (retries + 1 > (requests * this.percent) / 100 + this.minPerSecond * WINDOW_S) return false;
    this.retries[i]!++;
    return true;
  }

  /** The bucket of this second, after clearing those of the seconds that went by. */
  private roll(): number {
    const s = Math.floor(this.now() / 1000);
    for (let t = Math.max(this.second + 1, s - WINDOW_S + 1); t <= s; t++) {
      this.requests[t % WINDOW_S] = 0;
      this.retries[t % WINDOW_S] = 0;
    }
    if (s > this.second) this.second = s;
    return s % WINDOW_S;
  }
}
