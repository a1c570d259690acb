// Summaries the benchmark reports: percentiles of one run's samples, and median/min/max over repetitions.

/** The q-quantile (0..1) of samples sorted ascending, nearest-rank. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

export interface Spread { median: number; min: number; max: number; runs: number[] }

/** Median with min and max of repeated measurements; NaN runs (a failed repetition) are left out. */
export function spread(runs: number[]): Spread {
  const ok = runs.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (ok.length === 0) return { median: NaN, min: NaN, max: NaN, runs };
  const mid = ok.length >> 1;
  const median = ok.length % 2 ? ok[mid]! : (ok[mid - 1]! + ok[mid]!) / 2;
  return { median, min: ok[0]!, max: ok[ok.length - 1]!, runs };
}

/** "12 345 (12 001–12 800)": a spread with a formatter for its numbers. */
export function showSpread(s: Spread | undefined, fmt: (v: number) => string): string {
  if (!s || !Number.isFinite(s.median)) return 'n/a';
  return s.min === s.max ? fmt(s.median) : `${fmt(s.median)} (${fmt(s.min)}–${fmt(s.max)})`;
}
