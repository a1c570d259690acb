// A clock a test moves by hand, for the retry budget and outlier ejection (both take `now`).
export interface FakeClock {
  now: () => number;
  /** Sets the time, in ms since the epoch. */
  at(ms: number): void;
  advance(ms: number): void;
}

export function fakeClock(start = 0): FakeClock {
  let t = start;
  return {
    now: () => t,
    at: (ms) => {
      t = ms;
    },
    advance: (ms) => {
      t += ms;
    },
  };
}
