// `npm run stack:<stack> -- test --break NAME`: a break-it exercise as an inverted check. The stack comes up as a
// run of its own with the break applied (its Compose variables and override, from stacks/<stack>/breaks.ts), the
// one check the break turns red runs, and the run is torn down whatever happens. Exit 0 when the check failed as
// declared ("broke as expected: check N …", its RECEIVED on one line); 1 when it still passes, or failed for
// another reason; 2 for a name the stack does not declare.
import { CheckFailure, type CheckResult, runChecks, show } from '../check.js';
import { BadInput } from '../current-run.js';
import { withStack } from '../lifecycle.js';
import { loadBreaks, loadScenario } from '../scenarios.js';
import type { Break } from './types.js';

/** The break NAME of a stack, or a one-line refusal that lists the valid names. */
export function breakNamed(stack: string, name: string, all: Break[]): Break {
  const found = all.find((b) => b.name === name);
  if (found) return found;
  if (!all.length) throw new BadInput(`--break ${name}: ${stack} declares no break-it exercise (no stacks/${stack}/breaks.ts)`);
  throw new BadInput(`--break ${name}: no such break in ${stack}; its breaks are ${all.map((b) => b.name).join(', ')}`);
}

const oneLine = (text: string, max = 240) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

/** A failed check's reason on one line: its RECEIVED when it is a CheckFailure (its own figures), else its message. */
export function failureText(error: Error | undefined): string {
  if (error instanceof CheckFailure) return oneLine(`${error.message}: ${show(error.received)}`);
  return oneLine(error?.message ?? 'no error was given');
}

/** The verdict on a break's run of its check: ok when the check failed, and (with `because`) for that reason. */
export function breakVerdict(b: Break, r: CheckResult | undefined, checkName: string): { ok: boolean; line: string } {
  const which = `check ${b.check} (${checkName})`;
  if (!r) return { ok: false, line: `✘ ${b.name}: ${which} did not run` };
  if (r.skipped) return { ok: false, line: `✘ ${b.name}: ${which} was skipped (${r.skipped}), so it cannot show the break` };
  if (r.ok)
    return {
      ok: false,
      line: `✘ ${b.name}: ${which} still passes with the break applied, so the lesson's claim that it turns red is wrong (or the break no longer reaches the stack)`,
    };
  const why = failureText(r.error);
  if (b.because && !b.because.test(why))
    return { ok: false, line: `✘ ${b.name}: ${which} failed, but not as the break makes it fail (${b.because}): ${why}` };
  return { ok: true, line: `broke as expected: check ${b.check} ${why}` };
}

/** Runs a break: up with it, its check alone, down. Returns the exit code. */
export async function runBreak(stack: string, name: string): Promise<number> {
  const sc = await loadScenario(stack).catch((e: Error) => {
    throw new BadInput(e.message);
  });
  const b = breakNamed(stack, name, await loadBreaks(stack));
  const check = sc.checks[b.check - 1];
  if (!check) throw new Error(`${stack}'s break ${b.name} names check ${b.check}, which the scenario does not have`);
  console.log(`\n▶ ${stack} with the break ${b.name}: check ${b.check} must fail`);
  let results: CheckResult[] = [];
  try {
    results = await withStack(stack, (ctx) => runChecks([check], ctx, console.log, [b.check]), b);
  } catch (e) {
    console.log(`✘ ${b.name}: the stack did not come up with the break, so check ${b.check} never ran: ${oneLine((e as Error).message)}`);
    return 1;
  }
  const v = breakVerdict(b, results[0], check.name);
  console.log(v.line);
  return v.ok ? 0 : 1;
}
