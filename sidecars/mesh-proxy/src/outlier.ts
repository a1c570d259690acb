// Outlier ejection, as Envoy's consecutive_5xx: an endpoint that fails N tries in a row (a 5xx, a
// connect failure, a reset or a timeout) is left out of the balancing for base × (times ejected), unless
// that would eject more than maxPercent of the endpoints (one is always ejectable). Back in, a success
// resets its count; a failure-free ejection time does not reset the multiplier (Envoy lowers it slowly).
export interface OutlierState {
  consecutive: number;
  ejections: number;
  ejectedUntil: number;
}

export const fresh = (): OutlierState => ({ consecutive: 0, ejections: 0, ejectedUntil: 0 });

export class OutlierDetector {
  constructor(
    private readonly o: { consecutive: number; baseMs: number; maxPercent: number; onEject: (ms: number) => void },
    private readonly now: () => number = () => Date.now(),
  ) {}

  isEjected(s: OutlierState): boolean {
    return s.ejectedUntil > this.now();
  }

  success(s: OutlierState): void {
    s.consecutive = 0;
  }

  /** Records a failed try; ejects the endpoint if it has failed enough in a row and the cap allows. */
  failure(s: OutlierState, all: readonly OutlierState[]): boolean {
    // An ejected endpoint tried anyway (panic) does not count on: it starts afresh when it is back.
    if (this.isEjected(s)) return false;
    s.consecutive++;
    if (s.consecutive < this.o.consecutive) return false;
    const ejected = all.filter((x) => this.isEjected(x)).length;
    const cap = Math.max(1, Math.floor((all.length * this.o.maxPercent) / 100));
    if (ejected >= cap) return false;
    s.ejections++;
    s.consecutive = 0;
    const ms = this.o.baseMs * s.ejections;
    s.ejectedUntil = this.now() + ms;
    this.o.onEject(ms);
    return true;
  }
}
