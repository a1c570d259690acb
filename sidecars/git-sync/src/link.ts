// The published link. Its one promise: at every instant it names a complete tree. It is never
// removed and re-created; a new symlink is made under a temporary name and renamed over it, and
// rename(2) replaces the old link atomically, so a reader sees the old target or the new one.
import { randomBytes } from 'node:crypto';
import { readdirSync, readlinkSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

const TMP_PREFIX = (link: string) => `.${link}.tmp-`;

/** Points root/link at target (a path relative to root, e.g. worktrees/<sha>). */
export function flipLink(root: string, link: string, target: string): void {
  const tmp = join(root, `${TMP_PREFIX(link)}${randomBytes(6).toString('hex')}`);
  symlinkSync(target, tmp);
  try {
    renameSync(tmp, join(root, link));
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** The link's target as written (relative), or undefined when there is no link yet. */
export function readLink(root: string, link: string): string | undefined {
  try {
    return readlinkSync(join(root, link));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** Removes temporary links a killed flip left behind; returns how many. */
export function removeStaleTempLinks(root: string, link: string): number {
  const stale = readdirSync(root).filter((n) => n.startsWith(TMP_PREFIX(link)));
  for (const n of stale) rmSync(join(root, n), { force: true });
  return stale.length;
}
