// Start-up repair: whatever a killed predecessor left half done is undone before the first sync.
// The link itself never needs repair (it is only ever replaced by rename), only what surrounds it.
import type { Logger } from '../../lib/log.js';
import { removeStaleTempLinks } from './link.js';
import type { Store } from './store.js';

export interface Repaired {
  staging: string[];
  tempLinks: number;
  current: string | undefined;
}

export async function repair(store: Store, log: Logger): Promise<Repaired> {
  const tempLinks = removeStaleTempLinks(store.root, store.link);
  const staging = store.staging();
  for (const name of staging) {
    await store.removeTree(`${store.worktrees}/${name}`);
    log.warn('removed a half-made worktree left by an interrupted sync', { worktree: name });
  }
  await store.git.worktreePrune();
  // A kill between the rename and the metadata update of `git worktree move` leaves git's record
  // pointing at the staging name; repair rewrites it from the tree's own .git file.
  await store.git.worktreeRepair(store.complete().map((sha) => store.path(sha)));
  const current = store.current();
  if (!current && store.complete().length) log.warn('the link does not point at a complete tree; the first sync will publish one');
  return { staging, tempLinks, current };
}
