// Holding the next flip until the app has taken up the last one. An app that restarts on each flip
// (site-node under nodemon, watching the link) and is flipped again while it is still starting is
// killed before it serves: a burst of pushes then leaves no server accepting for as long as the
// burst lasts. With --adopt-timeout, the next revision is published only once a process in the pod
// uses the current tree (its cwd or an open file in it, the collector's /proc scan), or once the
// timeout has passed since the last flip. Off (0) by default: an app that never enters the tree
// would only be slowed down.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Usage } from './inuse.js';

export type Hold = 'adopted' | 'timeout' | 'stopped';

export interface HoldOptions {
  /** The revision the link points at, flipped by this process at `since`. */
  sha: string;
  since: number;
  timeoutMs: number;
  scan(): Usage;
  clock: () => number;
  everyMs?: number;
  /** git-sync is draining: the hold ends at once, and the flip goes ahead. */
  signal?: AbortSignal;
}

/** Resolves once `sha` is in use, or `timeoutMs` after `since`, or once the signal aborts; at once when it already is. */
export async function untilAdopted(o: HoldOptions): Promise<Hold> {
  for (;;) {
    if (o.scan().inUse.has(o.sha)) return 'adopted';
    const left = o.since + o.timeoutMs - o.clock();
    if (left <= 0) return 'timeout';
    if (o.signal?.aborted) return 'stopped';
    await sleep(Math.min(left, o.everyMs ?? 50), undefined, { signal: o.signal }).catch(() => undefined);
  }
}
