// The one place benchmarks turn samples into figures: percentiles of one run's samples, and
// median/min/max over repetitions. Every bench reports percentiles through this module.
//
// Percentiles are NEAREST-RANK: the p-th percentile of n samples is the smallest sample such that
// at least p % of the samples are at or below it, i.e. sorted[ceil(p/100 × n) − 1] (1-based rank
// ceil(p/100 × n), at least 1). It is always one of the measured values, never an interpolation:
// for 15, 20, 35, 40, 50 the 30th percentile is 20, the 40th 20, the 50th 35 and the 100th 50.

/** The q-quantile (0..1) of samples already sorted ascending, nearest-rank (see above); NaN when empty. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

/** The p-th percentile (0..100) of samples in any order, nearest-rank; NaN when empty. */
export function percentile(samples: ArrayLike<number>, p: number): number {
  return quantile(Float64Array.from(samples).sort(), p / 100);
}

export interface Spread {
  median: number;
  min: number;
  max: number;
  runs: number[];
}

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

/** How the reports write numbers: whole with separators, 3 decimals, a ratio, MB, or one decimal or n/a. */
export const n0 = (v: number) => Math.round(v).toLocaleString('en-US');
export const f3 = (v: number) => v.toFixed(3);
export const x2 = (v: number) => `${v.toFixed(2)}×`;
export const mb = (v: number) => v.toFixed(1);
export const opt = (v: number | undefined) => v?.toFixed(1) ?? 'n/a';

/**
 * Ratios taken within each round: a[i] / b[i], where a and b hold one figure per round of two variants
 * measured in the same rounds (scripts/bench/run.ts). NaN for a round either of them lacks, or where b is
 * 0, so that spread() leaves that round out instead of pairing figures from different rounds.
 */
export function perRoundRatios(a: readonly number[], b: readonly number[]): number[] {
  return Array.from({ length: Math.max(a.length, b.length) }, (_, i) => {
    const x = a[i] ?? NaN,
      y = b[i] ?? NaN;
    return y === 0 ? NaN : x / y;
  });
}

/** Differences taken within each round: a[i] − b[i], NaN for a round either of them lacks. */
export function perRoundDiffs(a: readonly number[], b: readonly number[]): number[] {
  return Array.from({ length: Math.max(a.length, b.length) }, (_, i) => (a[i] ?? NaN) - (b[i] ?? NaN));
}
