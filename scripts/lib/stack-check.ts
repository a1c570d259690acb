// The check verb: a stack's checks against the run that `up` left, which stays up. The checks are those of a
// test run, numbered as there; a check marked with an effect (check.ts) runs only with --all, and one that
// needs the run's start (the event timeline from before `up`, which no later command can get back: the engine
// replays only its last few hundred events) never runs here. After a marked check, the run is brought back:
// its side projects go, and (after one that destroys) `up` starts again what it stopped.
import { type Check, CheckFailure, type CheckResult, runChecks, Skipped, show } from './check.js';
import type { Project } from './compose.js';
import { recordEvents } from './events.js';
import { labPicture } from './lab/in-stack.js';
import { labActions } from './lab/in-stack-actions.js';
import { BadInput, runningRun } from './current-run.js';
import { runContext } from './run-context.js';
import { loadScenario } from './scenarios.js';
import type { Scenario, StackContext } from './stack-types.js';
import { verifyChecks } from './verify/in-stack.js';

/** Every check of a stack's run, in the order (and so with the numbers) a test run prints them. The lab's actions
 * run the lab's picture check again, by its number, and kill a sidecar, from the page in Chromium: before verify's, whose last check takes
 * the run down. */
export function checksOfRun(sc: Scenario, attached: Check<StackContext>[] = []): Check<StackContext>[] {
  const own = [...sc.checks, ...attached];
  return [...own, labPicture, labActions(own.length + 1), ...verifyChecks()];
}

/** `--only 1,8`: check numbers, each once, in the order given. */
export function parseOnly(text: string, count: number): number[] {
  if (!/^\d+(,\d+)*$/.test(text)) throw new BadInput(`--only takes check numbers separated by commas (e.g. --only 1,8), not "${text}"`);
  const numbers = [...new Set(text.split(',').map(Number))];
  const wrong = numbers.filter((n) => n < 1 || n > count);
  if (wrong.length) throw new BadInput(`no check ${wrong.join(', ')}: this stack's checks are numbered 1-${count}`);
  return numbers;
}

/** Why a check does not run in check mode (undefined: it runs). */
export function skipReason(c: Pick<Check<unknown>, 'effect' | 'needs'>, all: boolean, stack: string): string | undefined {
  if (c.needs === 'start')
    return `it reads the run’s start (docker events from before up), which only a test run records (npm run stack:${stack})`;
  if (all) return undefined;
  if (c.effect === 'destroys') return 'it stops, kills or restarts containers or changes their files; add --all to run it';
  if (c.effect === 'starts') return 'it starts containers beyond the run’s pods; add --all to run it';
  return undefined;
}

/** A marked check, run with --all: afterwards its side projects go and, if it destroys, `up` restores the run:
 * it starts what the check stopped and creates what it removed, and replaces no container that still runs (an
 * image rebuilt since the run's `up` would otherwise replace them all). */
const restoring = (c: Check<StackContext>): Check<StackContext> => ({
  ...c,
  async run(ctx) {
    try {
      await c.run(ctx);
    } finally {
      await ctx.endSideProjects();
      if (c.effect === 'destroys') await ctx.project.up(120, { recreate: false });
    }
  },
});

export interface CheckOptions {
  /** --only, as typed. */
  only?: string;
  all?: boolean;
  project?: string;
  /** Called with each check's result as it ends, and its number. */
  onResult?: (r: CheckResult, n: number) => void;
}

/** A check's result as `check --json` prints it: one line of NDJSON, with what a failure EXPECTED and RECEIVED as the text run prints them. */
export function resultLine(r: CheckResult, n: number): string {
  const e = r.error;
  return JSON.stringify({
    type: 'check',
    number: n,
    name: r.name,
    ok: r.ok,
    ms: r.ms,
    ...(r.skipped ? { skipped: r.skipped } : {}),
    ...(e ? { error: e.message } : {}),
    ...(e instanceof CheckFailure ? { expected: show(e.expected), received: show(e.received) } : {}),
  });
}

export async function checkStack(stack: string, o: CheckOptions = {}): Promise<CheckResult[]> {
  const sc = await loadScenario(stack).catch((e: Error) => {
    throw new BadInput(e.message);
  });
  const list = checksOfRun(sc);
  const numbers = o.only === undefined ? list.map((_, i) => i + 1) : parseOnly(o.only, list.length);
  const rec = await runningRun(stack, sc.files ?? ['compose.yaml'], { project: o.project });
  console.log(`\n▶ ${stack}: checks of ${rec.project}, which stays up`);
  if (rec.files.length > (sc.files ?? ['compose.yaml']).length)
    console.log('  (started with --with: the attached sidecars’ checks run only in a test run)');
  const recorder = recordEvents(rec.project);
  const projects: Project[] = [];
  const ctx: StackContext = {
    ...runContext(rec, { projects, upAt: Date.parse(rec.created), events: () => recorder.events() }),
    standing: true,
  };
  const chosen = numbers.map((n) => {
    const c = list[n - 1]!;
    const why = skipReason(c, o.all ?? false, stack);
    if (why)
      return {
        ...c,
        run: async () => {
          throw new Skipped(why);
        },
      };
    return c.effect ? restoring(c) : c;
  });
  try {
    const results = await runChecks(chosen, ctx, console.log, numbers, o.onResult);
    const failed = results.filter((r) => !r.ok).length,
      skipped = results.filter((r) => r.skipped).length;
    console.log(`${stack}: ${results.length - failed - skipped} passed, ${failed} failed, ${skipped} skipped; ${rec.project} is still up`);
    return results;
  } finally {
    await ctx.endSideProjects();
    await recorder.stop();
  }
}
