// Which trees a process in the pod is using right now. The pod shares one PID namespace, so
// /proc lists the app's processes too; /proc/<pid>/cwd and /proc/<pid>/fd/* name the directory
// each works in and the files it has open. Reading them needs the same uid as the process (the
// stack runs the app as git-sync's uid for this); processes we may not inspect are counted.
import { readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

export interface Usage {
  inUse: Set<string>;
  uninspectable: number;
}

/** Maps paths to the tree (revision) they lie in, for trees under `worktrees`. */
export function treeOf(path: string, worktrees: string): string | undefined {
  const prefix = `${worktrees}/`;
  if (!path.startsWith(prefix)) return undefined;
  const sha = path.slice(prefix.length).split('/')[0]!;
  return /^[0-9a-f]{40}$/.test(sha) ? sha : undefined;
}

export function scanProc(worktrees: string, proc = '/proc'): Usage {
  const inUse = new Set<string>();
  let uninspectable = 0;
  for (const pid of readdirSync(proc).filter((d) => /^\d+$/.test(d))) {
    const links: string[] = [];
    try {
      links.push(readlinkSync(join(proc, pid, 'cwd')));
      for (const fd of readdirSync(join(proc, pid, 'fd'))) {
        try {
          links.push(readlinkSync(join(proc, pid, 'fd', fd)));
        } catch {
          /* closed meanwhile */
        }
      }
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EPERM') uninspectable++;
      continue; // ENOENT: the process ended meanwhile
    }
    for (const l of links) {
      const sha = treeOf(l, worktrees);
      if (sha) inUse.add(sha);
    }
  }
  return { inUse, uninspectable };
}
