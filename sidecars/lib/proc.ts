// Parsing the proc file system (proc(5)), for the sidecars that look at the processes of the pod
// they share a PID namespace with: config-sync finds and re-checks the app it signals, topz lists
// them all. Parsers take the text of a file and never read; readText is the one reader they share.
import { closeSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';

/** USER_HZ: the unit of the tick counts in /proc/<pid>/stat. Linux fixes it at 100 for user space. */
export const HZ = 100;

/** Text that is not what the proc file it claims to be holds. The only error the parsers throw. */
export class ProcParseError extends Error {}

export type Read = (path: string) => string;

/** One buffer for every read: proc files report size 0, and readFileSync would allocate 64 KiB per file. */
const BUF = Buffer.allocUnsafe(64 * 1024);

/** Reads a proc file whole. Throws the fs error (ENOENT, ESRCH: the process is gone; EACCES: not ours). */
export const readText: Read = (path) => {
  const fd = openSync(path, 'r');
  try {
    let n = 0,
      got: number;
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
  for (
    let c = Buffer.allocUnsafe(BUF.length), got: number;
    (got = readSync(fd, c, 0, c.length, null)) > 0;
    c = Buffer.allocUnsafe(BUF.length)
  )
    chunks.push(c.subarray(0, got));
  return Buffer.concat(chunks).toString('utf8');
}

export interface Stat {
  pid: number;
  comm: string;
  state: string;
  ppid: number;
  cpuTicks: number;
  threads: number;
  startTicks: number;
}

/** Parses /proc/<pid>/stat. The command name sits in parentheses and may itself hold spaces and parentheses,
 * so it runs from the first '(' to the last ')': no field after it can hold a ')'. */
export function parseStat(text: string): Stat {
  const open = text.indexOf('('),
    close = text.lastIndexOf(')');
  if (open < 0 || close < open) throw new ProcParseError(`not a /proc stat line: ${JSON.stringify(text.slice(0, 60))}`);
  // Fields after the name, numbered as in proc(5): 3 state, 4 ppid, 14 utime, 15 stime, 20 num_threads, 22 starttime.
  const f = text
    .slice(close + 2)
    .trim()
    .split(' ');
  const n = (field: number) => Number(f[field - 3]);
  return {
    pid: Number(text.slice(0, open).trim()),
    comm: text.slice(open + 1, close),
    state: f[0] ?? '?',
    ppid: n(4),
    cpuTicks: n(14) + n(15),
    threads: n(20),
    startTicks: n(22),
  };
}

/** The value of one `Name:\tvalue` line of /proc/<pid>/status, or undefined when the line is absent. */
export function statusField(text: string, name: string): string | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name}:`)) return line.slice(name.length + 1).trim();
  }
  return undefined;
}

export interface Status {
  uid: number;
  rssBytes: number;
}

/** The real uid and resident memory from /proc/<pid>/status (a zombie has no VmRSS line: 0). */
export function parseStatus(text: string): Status {
  const uid = /^Uid:\s+(\d+)/m.exec(text);
  const rss = /^VmRSS:\s+(\d+)\s*kB/m.exec(text);
  return { uid: uid ? Number(uid[1]) : -1, rssBytes: rss ? Number(rss[1]) * 1024 : 0 };
}

/** True when the status says the process has a handler for the signal (its bit in the SigCgt mask). */
export function catchesSignal(status: string, signum: number): boolean {
  const mask = statusField(status, 'SigCgt');
  return mask !== undefined && /^[0-9a-f]+$/.test(mask) && ((BigInt(`0x${mask}`) >> BigInt(signum - 1)) & 1n) === 1n;
}

/** NUL-separated fields, as in cmdline and environ; trailing NULs (a process that renamed itself pads with them) end the list. */
export const splitNul = (text: string) => (text ? text.replace(/\0+$/, '').split('\0') : []);

/** Numeric entries of the proc root, lowest PID first. */
export function listPids(entries: string[]): number[] {
  return entries
    .filter((n) => /^\d+$/.test(n))
    .map(Number)
    .sort((a, b) => a - b);
}

/** Boot time (seconds since the epoch) from the text of /proc/stat. */
export function parseBootTime(stat: string): number {
  const m = /^btime\s+(\d+)/m.exec(stat);
  if (!m) throw new ProcParseError('no btime line in the system stat file');
  return Number(m[1]);
}

/** Boot time from <root>/stat, to turn start ticks into a date. */
export function bootTime(root: string, read: Read = readText): number {
  const path = join(root, 'stat');
  try {
    return parseBootTime(read(path));
  } catch (e) {
    if (e instanceof ProcParseError) throw new ProcParseError(`${path} has no btime line`);
    throw e;
  }
}

/** When a process started, from the boot time and its start ticks (stat field 22). */
export const startDate = (btime: number, startTicks: number) => new Date(btime * 1000 + (startTicks * 1000) / HZ);
