// Driving the lab's page in Chromium, shared by the stacks' in-stack check and the lab's browser tests.
import type { Page } from 'playwright-core';

/** Opens one of the page's views (Pods, Timeline, Logs, Processes, Actions...) and waits until it is selected. */
export async function showTab(page: Page, view: string, timeoutMs = 15_000): Promise<void> {
  await page.click(`#tab-${view}`, { timeout: timeoutMs });
  await page.locator(`#tab-${view}[aria-selected="true"]`).waitFor({ timeout: timeoutMs });
}

/** A container's events as the Timeline view shows them: [data-action, text] in time order. */
export type ShownEvent = readonly [action: string, text: string];

/** The events the Timeline view shows for one service. */
export const shownEvents = (page: Page, service: string): Promise<ShownEvent[]> =>
  page
    .locator(`[data-testid=event][data-service="${service}"]`)
    .evaluateAll((els) => els.map((e) => [e.getAttribute('data-action') ?? '', e.textContent ?? ''] as const));

/** Where a killed container shows as back: the lab's mark, then a die, then its health check healthy (or, without
 * a health check, its start). The indexes of the mark, the die and the event that shows it back, or undefined. */
export function backAfterKill(
  items: readonly ShownEvent[],
  healthChecked: boolean,
): { mark: number; die: number; back: number } | undefined {
  const mark = items.findIndex(([a]) => a === 'lab');
  const die = mark < 0 ? -1 : items.findIndex(([a], i) => i > mark && a === 'die');
  const back =
    die < 0
      ? -1
      : items.findIndex(([a, t], i) => i > die && (healthChecked ? a === 'health_status' && /health healthy/.test(t) : a === 'start'));
  return back < 0 ? undefined : { mark, die, back };
}
