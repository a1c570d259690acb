// Finds the app's process by name in the PID namespace the pod shares, and re-checks it right
// before a signal: a PID can be reused, so a process is identified by PID *and* start time.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

export interface Proc { pid: number; startTime: string; comm: string; argv: string[] }

function read(procRoot: string, pid: number | string, file: string): string | undefined {
  try {
    return readFileSync(join(procRoot, String(pid), file), 'utf8');
  } catch {
    return undefined; // gone, or not ours to read
  }
}

/** One process from /proc, or undefined when it is gone, a zombie or a kernel thread. */
export function readProc(pid: number, procRoot = '/proc'): Proc | undefined {
  const stat = read(procRoot, pid, 'stat');
  const cmdline = read(procRoot, pid, 'cmdline');
  if (!stat || !cmdline) return undefined;
  // stat is "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split at the last ')'.
  const close = stat.lastIndexOf(')');
  const rest = stat.slice(close + 2).split(' ');
  if (rest[0] === 'Z' || rest[0] === 'X') return undefined;
  const argv = cmdline.split('\0').filter((a, i, all) => a !== '' || i < all.length - 1);
  return { pid, comm: stat.slice(stat.indexOf('(') + 1, close), startTime: rest[19] ?? '', argv };
}

export function listProcs(procRoot = '/proc'): Proc[] {
  return readdirSync(procRoot).filter((d) => /^\d+$/.test(d)).map((d) => readProc(Number(d), procRoot)).filter((p): p is Proc => p !== undefined);
}

/** The name a process answers to: its command name, its program's file name, or (for an
 * interpreter) the file name of the first argument that is not an option, i.e. its script. */
export function namesOf(p: Proc): string[] {
  const names = [p.comm];
  if (p.argv[0]) names.push(basename(p.argv[0]));
  const script = p.argv.slice(1).find((a) => !a.startsWith('-'));
  if (script) names.push(basename(script));
  return names;
}

export type Lookup = { found: Proc } | { none: true } | { many: Proc[] };

/** The one process called `name`, other than this one. */
export function findProc(name: string, o: { procRoot?: string; selfPid?: number } = {}): Lookup {
  const self = o.selfPid ?? process.pid;
  const hits = listProcs(o.procRoot).filter((p) => p.pid !== self && namesOf(p).includes(name));
  if (hits.length === 0) return { none: true };
  if (hits.length > 1) return { many: hits };
  return { found: hits[0]! };
}

/** True when the PID still names the same process (same start time, same command line). */
export function stillSame(p: Proc, procRoot = '/proc'): boolean {
  const now = readProc(p.pid, procRoot);
  return now !== undefined && now.startTime === p.startTime && now.argv.join('\0') === p.argv.join('\0');
}

/** True when the process has a handler for the signal (SigCgt in /proc/PID/status). A signal it does
 * not catch would run the default action, which for SIGHUP, SIGUSR1 and SIGUSR2 is to terminate it. */
export function catches(pid: number, signum: number, procRoot = '/proc'): boolean {
  const m = /^SigCgt:\s*([0-9a-f]+)$/m.exec(read(procRoot, pid, 'status') ?? '');
  return m !== null && ((BigInt(`0x${m[1]}`) >> BigInt(signum - 1)) & 1n) === 1n;
}

export const describeProc = (p: Proc) => `pid ${p.pid} (${p.argv.join(' ').slice(0, 120)})`;
