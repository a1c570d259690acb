// The room profile (`npm run stack:<name> -- test --room`): a workshop room's laptops run only a stack's core
// checks, and the whole run (build, up, checks, down) must end within a budget. The heavy checks (check.ts:
// weight) are named as skipped, never run, so a learner sees what the leader demonstrates instead.
import type { Check, CheckResult } from './check.js';

/** How long a room run of one stack may take, from its start to the end of its teardown, in seconds. */
export const ROOM_BUDGET_S = 90;

export interface RoomChoice<C> {
  checks: Check<C>[];
  /** Each chosen check's number in a full test run. */
  numbers: number[];
  /** The heavy checks left out, with their numbers in a full test run. */
  skipped: { n: number; name: string }[];
}

/** The core checks of a run's list, numbered as a full run numbers them, and the heavy ones it leaves out: those
 * whose weight says so, and those the scenario names (`heavy`: appended checks heavy for its stack). */
export function roomChecks<C>(list: Check<C>[], heavy: string[] = []): RoomChoice<C> {
  const out: RoomChoice<C> = { checks: [], numbers: [], skipped: [] };
  list.forEach((c, i) => {
    if (c.weight === 'heavy' || heavy.includes(c.name)) out.skipped.push({ n: i + 1, name: c.name });
    else {
      out.checks.push(c);
      out.numbers.push(i + 1);
    }
  });
  return out;
}

/** The lines a room run prints before its checks: what it leaves out. */
export function skippedLines(stack: string, skipped: RoomChoice<unknown>['skipped']): string[] {
  if (!skipped.length) return [`  room profile: every check of ${stack} is core; none skipped`];
  return [
    `  room profile: ${skipped.length} heavy check(s) skipped (run them with npm run stack:${stack}):`,
    ...skipped.map((s) => `    - ${s.n}. ${s.name}`),
  ];
}

/** The budget as one more result: it passes when the run ended within ROOM_BUDGET_S. */
export function budgetResult(stack: string, ms: number, budgetS = ROOM_BUDGET_S): CheckResult {
  const name = `room: the ${stack} run ends within its ${budgetS} s budget (${Math.round(ms / 1000)} s)`;
  const ok = ms <= budgetS * 1000;
  return ok ? { name, ok, ms } : { name, ok, ms, error: new Error(`took ${Math.round(ms / 1000)} s, over the ${budgetS} s budget`) };
}
