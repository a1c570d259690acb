// Reading one process from /proc: stat, status and, only when asked, cmdline and environ.
// A process can exit between any two reads; that is a normal outcome here, not an error.
import { closeSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';

/** USER_HZ: the unit of the tick counts in /proc/<pid>/stat. Linux fixes it at 100 for user space. */
export const HZ = 100;

export type Read = (path: string) => string;

/** One buffer for every read: proc files report size 0, and readFileSync would allocate 64 KiB per file. */
const BUF = Buffer.allocUnsafe(64 * 1024);

export const readText: Read = (path) => {
  const fd = openSync(path, 'r');
  try {
    let n = 0, got: number;
    while ((got = readSync(fd, BUF, n, BUF.length - n, null)) > 0) {
      n += got;
      if (n === BUF.length) return readRest(fd, Buffer.from(BUF));
    }
    return BUF.toString('utf8', 0, n);
  } finally {
    closeSync(fd);
  }
};

/** A file larger than the shared buffer (a long environment): the rest, in fresh chunks. */
function readRest(fd: number, first: Buffer): string {
  const chunks = [first];
  for (let c = Buffer.allocUnsafe(BUF.length), got; (got = readSync(fd, c, 0, c.length, null)) > 0; c = Buffer.allocUnsafe(BUF.length)) chunks.push(c.subarray(0, got));
  return Buffer.concat(chunks).toString('utf8');
}

export interface Stat { pid: number; comm: string; state: string; ppid: number; cpuTicks: number; threads: number; startTicks: number }

/** Parses /proc/<pid>/stat. The command name sits in parentheses and may itself hold spaces and parentheses. */
export function parseStat(text: string): Stat {
  const open = text.indexOf('('), close = text.lastIndexOf(')');
  if (open < 0 || close < open) throw new Error(`not a /proc stat line: ${JSON.stringify(text.slice(0, 60))}`);
  // Fields after the name, numbered as in proc(5): 3 state, 4 ppid, 14 utime, 15 stime, 20 num_threads, 22 starttime.
  const f = text.slice(close + 2).trim().split(' ');
  const n = (field: number) => Number(f[field - 3]);
  return {
    pid: Number(text.slice(0, open).trim()), comm: text.slice(open + 1, close), state: f[0] ?? '?', ppid: n(4),
    cpuTicks: n(14) + n(15), threads: n(20), startTicks: n(22),
  };
}

export interface Status { uid: number; rssBytes: number }

/** The real uid and resident memory from /proc/<pid>/status (a zombie has no VmRSS line: 0). */
export function parseStatus(text: string): Status {
  const uid = /^Uid:\s+(\d+)/m.exec(text);
  const rss = /^VmRSS:\s+(\d+)\s*kB/m.exec(text);
  return { uid: uid ? Number(uid[1]) : -1, rssBytes: rss ? Number(rss[1]) * 1024 : 0 };
}

/** NUL-separated fields, as in cmdline and environ; trailing NULs (a process that renamed itself pads with them) end the list. */
export const splitNul = (text: string) => (text ? text.replace(/\0+$/, '').split('\0') : []);

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

/** Numeric entries of the proc root, lowest PID first. */
export function listPids(entries: string[]): number[] {
  return entries.filter((n) => /^\d+$/.test(n)).map(Number).sort((a, b) => a - b);
}

/** Boot time (seconds since the epoch) from <root>/stat, to turn start ticks into a date. */
export function bootTime(root: string, read: Read = readText): number {
  const m = /^btime\s+(\d+)/m.exec(read(join(root, 'stat')));
  if (!m) throw new Error(`${join(root, 'stat')} has no btime line`);
  return Number(m[1]);
}

export const startDate = (btime: number, startTicks: number) => new Date(btime * 1000 + (startTicks * 1000) / HZ);

/** uid -> user name from a passwd file; a uid it does not list is shown as the number. */
export function userNames(passwd: string): (uid: number) => string {
  const names = new Map<number, string>();
  for (const line of passwd.split('\n')) {
    const [name, , uid] = line.split(':');
    if (name && uid && /^\d+$/.test(uid) && !names.has(Number(uid))) names.set(Number(uid), name);
  }
  return (uid) => names.get(uid) ?? String(uid);
}
