// What the lab's actions check in every stack's run (in-stack-actions.ts) decides without the engine: which of the
// stack's checks it runs from the page, which chaos step it takes, what the timeline must then show, and the
// newline-delimited answer of a streamed action read back as messages.
import type { Check } from '../check.js';
import type { LabEvent } from './hub.js';
import type { ChaosStep } from './page/steps.js';

/** The number the check verb gives the first of a stack's checks that only reads the run (unmarked), or undefined. */
export function readingCheck(checks: Pick<Check<unknown>, 'effect' | 'needs'>[]): number | undefined {
  const i = checks.findIndex((c) => !c.effect && !c.needs);
  return i < 0 ? undefined : i + 1;
}

/** The chaos the check takes, from the steps the Actions view offers: a receiver stopped and started again (the
 * logs lesson), else the first sidecar killed as a crash, else the first app restarted. Empty: none offered. */
export function chaosPlan(steps: ChaosStep[]): ChaosStep[] {
  const stop = steps.find((s) => s.action === 'stop');
  if (stop) return [stop, { ...stop, action: 'start', label: `Start the receiver again: ${stop.service}` }];
  const one = steps.find((s) => s.action === 'kill') ?? steps.find((s) => s.action === 'restart');
  return one ? [one] : [];
}

/** An event the timeline must show: its action and, when given, a detail that matches. */
export interface Want {
  action: string;
  detail?: RegExp;
}

const MARK: Record<ChaosStep['action'], RegExp> = { kill: /^kill SIGKILL /, restart: /^restart$/, stop: /^stop$/, start: /^start$/ };

/** What the timeline must show of the container, in order, once the plan is taken: each step's lab mark, the die it
 * causes, and the recovery: started again and, with a health check, healthy again. */
export function expectedEvents(plan: ChaosStep[], health: boolean): Want[] {
  const wants: Want[] = [];
  for (const step of plan) {
    wants.push({ action: 'lab', detail: MARK[step.action] });
    if (step.action !== 'start') wants.push({ action: 'die' });
    if (step.action !== 'stop') wants.push({ action: 'start' }, ...(health ? [{ action: 'health_status', detail: /^healthy$/ }] : []));
  }
  return wants;
}

/** The container's events from `from` on, in time order, matched against `wanted` in order (each the first match
 * after the one before): those found, and the first one missing, if any. */
export function inOrder(events: LabEvent[], container: string, from: number, wanted: Want[]): { found: LabEvent[]; missing?: Want } {
  const mine = events.filter((e) => e.container === container && e.time >= from).sort((a, b) => a.time - b.time);
  const found: LabEvent[] = [];
  let at = 0;
  for (const w of wanted) {
    const i = mine.findIndex((e, j) => j >= at && e.action === w.action && (!w.detail || w.detail.test(e.detail ?? '')));
    if (i < 0) return { found, missing: w };
    found.push(mine[i]!);
    at = i + 1;
  }
  return { found };
}

/** A want in words, for a failure's EXPECTED: `lab /^kill SIGKILL /`, `die`. */
export const wantText = (w: Want) => (w.detail ? `${w.action} ${w.detail}` : w.action);

/** The messages of a newline-delimited JSON answer (a line that is not a JSON object is kept as `{type: "?", text}`). */
export function messages(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      try {
        const m = JSON.parse(l) as unknown;
        if (typeof m === 'object' && m !== null && !Array.isArray(m)) return m as Record<string, unknown>;
      } catch {
        // not JSON: kept as text below
      }
      return { type: '?', text: l };
    });
}
