// The drain both proxies run on SIGTERM, written once: close every connection that waits for its next
// request, again and again as more finish their response, until none is left that a drain waits for
// (HttpSession.open says which: a connection that lingers after a refusal is not one).
import { setTimeout as sleep } from 'node:timers/promises';

const EVERY_MS = 50;

export async function drainConnections(o: { closeIdle(): void; open(): number }): Promise<void> {
  for (;;) {
    o.closeIdle();
    if (o.open() === 0) return;
    await sleep(EVERY_MS);
  }
}
