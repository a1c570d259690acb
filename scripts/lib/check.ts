// Scenario assertions: each runs on its own, is reported as pass or fail with its duration,
// and a failure prints what was EXPECTED and what was RECEIVED.
import { inspect, isDeepStrictEqual } from 'node:util';
import { sleep } from 'zx';
import { deadlineScale } from './platform.js';

export class CheckFailure extends Error {
  constructor(
    what: string,
    readonly expected: unknown,
    readonly received: unknown,
  ) {
    super(what);
    this.name = 'CheckFailure';
  }
}

/** A value as a failure prints it: a string as it is, anything else inspected. */
export const show = (v: unknown) => (typeof v === 'string' ? v : inspect(v, { depth: 4, breakLength: 100 }));

/** Thrown by a check that cannot run here: reported as skipped, with the reason, never as a pass. */
export class Skipped extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'Skipped';
  }
}

export const expect = {
  /** Deep strict equality: NaN is not null, undefined is not a missing key, and key order does not matter. */
  equal<T>(received: T, expected: T, what: string): void {
    if (!isDeepStrictEqual(received, expected)) {
      throw new CheckFailure(what, expected, received);
    }
  },
  match(received: string, pattern: RegExp, what: string): void {
    if (!pattern.test(received)) throw new CheckFailure(what, `text matching ${pattern}`, received);
  },
  ok(condition: boolean, what: string, expected: unknown, received: unknown): void {
    if (!condition) throw new CheckFailure(what, expected, received);
  },
  /** Resolves with the error a call must throw; fails when it does not throw. */
  async rejects(fn: () => Promise<unknown>, what: string): Promise<Error> {
    try {
      const v = await fn();
      throw new CheckFailure(what, 'an error', v);
    } catch (e) {
      if (e instanceof CheckFailure) throw e;
      return e as Error;
    }
  },
};

/** A detail line under the check being run: what it measured (times, counts). */
export const note = (text: string) => console.log(`      · ${text}`);

/** Retries fn until it returns without throwing, or the deadline passes (then rethrows the last error). The
 * deadline is `within` ms, times deadlineScale() when the images run emulated (platform.ts). */
export async function eventually<T>(fn: () => Promise<T>, { within = 5000, every = 100 } = {}): Promise<T> {
  const end = Date.now() + within * deadlineScale();
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if (Date.now() + every > end) throw e;
      await sleep(every);
    }
  }
}

/** The dual of eventually, for a time in which nothing may change: runs fn every `every` ms until
 * `window` ms have passed, and rethrows its first error. Returns how many times it ran (at least once). */
export async function throughout(fn: () => Promise<void>, { window, every = 100 }: { window: number; every?: number }): Promise<number> {
  const end = Date.now() + window;
  let runs = 0;
  do {
    await fn();
    runs++;
    if (Date.now() < end) await sleep(Math.min(every, end - Date.now()));
  } while (Date.now() < end);
  return runs;
}

/** What a check does beyond reading the running pods. `destroys`: it stops, kills, restarts, recreates or removes
 * containers (or kills processes in them), or changes their files so that the run does not come back as it was.
 * `starts`: it starts containers or projects beyond the run's pods (a detached helper, a profile, a side project).
 * A one-shot probe (`docker.runOnce`, removed when it exits) is reading. The check verb runs a marked check only
 * with --all; test/unit/check-marks.test.ts fails on a check whose source does either without the mark. */
export type Effect = 'destroys' | 'starts';

/** How much a check asks of a small laptop: `heavy` (long load, many lines, many containers or a long outage),
 * or `core` (unset means core). `test --room` (scripts/lib/room.ts) runs only the core ones, within a budget. */
export type Weight = 'core' | 'heavy';

export interface Check<C> {
  name: string;
  effect?: Effect;
  weight?: Weight;
  /** `start`: it reads the run's start (the event timeline from before `up`), which only a test run records. */
  needs?: 'start';
  run(ctx: C): Promise<void>;
}

export interface CheckResult {
  name: string;
  ok: boolean;
  ms: number;
  error?: Error;
  /** Why the check did not run (ok stays true: a skip fails nothing, and says so). */
  skipped?: string;
}

/** Runs checks in order; each is printed with its number in `numbers` (by default its place in the list, from 1),
 * and handed to `onResult` (with that number) as it ends. */
export async function runChecks<C>(
  checks: Check<C>[],
  ctx: C,
  log = console.log,
  numbers?: number[],
  onResult?: (r: CheckResult, n: number) => void | Promise<void>,
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const [j, c] of checks.entries()) {
    const n = numbers?.[j] ?? j + 1;
    const r = await runOne(c, ctx, log, n);
    results.push(r);
    await onResult?.(r, n);
  }
  return results;
}

/** One check outside a run's numbered list, printed with a label in the place of its number. */
export const runLabelled = <C>(c: Check<C>, ctx: C, label: string, log = console.log): Promise<CheckResult> => runOne(c, ctx, log, label);

async function runOne<C>(c: Check<C>, ctx: C, log: (line: string) => void, n: number | string): Promise<CheckResult> {
  const t0 = Date.now();
  try {
    await c.run(ctx);
    const ms = Date.now() - t0;
    log(`  ✔ ${n}. ${c.name} (${ms} ms)`);
    return { name: c.name, ok: true, ms };
  } catch (e) {
    const ms = Date.now() - t0;
    if (e instanceof Skipped) {
      log(`  - ${n}. ${c.name}: skipped: ${e.message}`);
      return { name: c.name, ok: true, ms, skipped: e.message };
    }
    const error = e instanceof Error ? e : new Error(String(e));
    log(`  ✘ ${n}. ${c.name} (${ms} ms)`);
    log(`      ${error.message}`);
    if (error instanceof CheckFailure) {
      log(`      EXPECTED: ${show(error.expected).replace(/\n/g, '\n                ')}`);
      log(`      RECEIVED: ${show(error.received).replace(/\n/g, '\n                ')}`);
    } else if (error.stack) {
      log(`      ${error.stack.split('\n').slice(1, 4).join('\n      ')}`);
    }
    return { name: c.name, ok: false, ms, error };
  }
}
