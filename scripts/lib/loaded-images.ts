// The images a room bundle put here (`npm run workshop -- load FILE`, scripts/workshop.mjs), which it records in
// .state/images/loaded.json: the commit they were built from and each image's id. An image is taken as built
// (and stamped, build-stamp.ts) instead of being built again, which would need the network for apt, only while
// all of these hold: it still has the id it was loaded with, the clone is at that commit, and no tracked file is
// changed. Otherwise it is built as usual.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const LOADED_FILE = join('images', 'loaded.json');

export interface Loaded {
  revision: string;
  images: Record<string, string>;
}

export function readLoaded(stateDir: string): Loaded | undefined {
  try {
    const l = JSON.parse(readFileSync(join(stateDir, LOADED_FILE), 'utf8')) as Loaded;
    return typeof l.revision === 'string' && l.images && typeof l.images === 'object' ? l : undefined;
  } catch {
    return undefined; // none loaded, or unreadable: everything is built as usual
  }
}

/** Whether tracked files differ from the commit (a learner's edit): then nothing loaded is taken as built. */
export function trackedChanges(root: string): boolean {
  const r = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root, encoding: 'utf8' });
  return r.status !== 0 || r.stdout.trim() !== '';
}

/** Of `services` (service -> image ref), those whose image is the one a bundle of `revision` loaded. */
export function adoptable(
  loaded: Loaded | undefined,
  revision: string,
  services: Record<string, string>,
  ids: Record<string, string | undefined>,
  changed: () => boolean,
): string[] {
  if (!loaded || loaded.revision !== revision) return [];
  const found = Object.keys(services).filter((s) => ids[s] !== undefined && loaded.images[services[s]!] === ids[s]);
  return found.length && !changed() ? found : [];
}
