// Reading one process from /proc for topz: stat, status and, only when asked, cmdline and environ.
// A process can exit between any two reads; that is a normal outcome here, not an error.
// The parsing itself is shared with config-sync (sidecars/lib/proc.ts).
import { join } from 'node:path';
import { parseStat, parseStatus, readText, splitNul, type Read, type Stat, type Status } from '../../lib/proc.js';

export interface RawProcess extends Stat, Status {
  cmdline?: string[];
  /** undefined: not asked for; null: not readable to topz (the safe case). */
  environ?: string[] | null;
}

export type Outcome = { ok: RawProcess } | { skipped: 'vanished' | 'unreadable' };

const gone = (e: unknown) => ['ENOENT', 'ESRCH'].includes((e as NodeJS.ErrnoException).code ?? '');

/** Reads one process. A process that exits while it is read is reported as vanished. */
export function readProcess(root: string, pid: number, want: { cmdline: boolean; environ: boolean }, read: Read = readText): Outcome {
  const dir = join(root, String(pid));
  try {
    const p: RawProcess = { ...parseStat(read(join(dir, 'stat'))), ...parseStatus(read(join(dir, 'status'))) };
    if (want.cmdline) p.cmdline = splitNul(read(join(dir, 'cmdline')));
    if (want.environ) p.environ = readEnviron(dir, read);
    return { ok: p };
  } catch (e) {
    return { skipped: gone(e) ? 'vanished' : 'unreadable' };
  }
}

/** Another user's environ is EACCES without CAP_SYS_PTRACE: that is null, not an error. A vanished process throws. */
function readEnviron(dir: string, read: Read): string[] | null {
  try {
    return splitNul(read(join(dir, 'environ')));
  } catch (e) {
    if (gone(e)) throw e;
    return null;
  }
}

/** uid -> user name from a passwd file; a uid it does not list is shown as the number. */
export function userNames(passwd: string): (uid: number) => string {
  const names = new Map<number, string>();
  for (const line of passwd.split('\n')) {
    const [name, , uid] = line.split(':');
    if (name && uid && /^\d+$/.test(uid) && !names.has(Number(uid))) names.set(Number(uid), name);
  }
  return (uid) => names.get(uid) ?? String(uid);
}
