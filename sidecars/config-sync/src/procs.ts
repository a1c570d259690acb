// Finds the app's process by name in the PID namespace the pod shares, and re-checks it right
// before a signal: a PID can be reused, so a process is identified by PID *and* start time.
// The proc files are parsed by sidecars/lib/proc.ts, shared with topz.
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { catchesSignal, listPids, parseStat, ProcParseError, readText, splitNul, type Stat } from '../../lib/proc.js';

export interface Proc {
  pid: number;
  startTicks: number;
  comm: string;
  argv: string[];
}

function read(procRoot: string, pid: number | string, file: string): string | undefined {
  try {
    return readText(join(procRoot, String(pid), file));
  } catch {
    return undefined; // gone, or not ours to read
  }
}

function stat(text: string): Stat | undefined {
  try {
    return parseStat(text);
  } catch (e) {
    if (e instanceof ProcParseError) return undefined;
    throw e;
  }
}

/** One process from /proc, or undefined when it is gone, a zombie or a kernel thread (empty cmdline). */
export function readProc(pid: number, procRoot = '/proc'): Proc | undefined {
  const s = stat(read(procRoot, pid, 'stat') ?? '');
  const cmdline = read(procRoot, pid, 'cmdline');
  if (!s || !cmdline || s.state === 'Z' || s.state === 'X') return undefined;
  return { pid, comm: s.comm, startTicks: s.startTicks, argv: splitNul(cmdline) };
}

export function listProcs(procRoot = '/proc'): Proc[] {
  return listPids(readdirSync(procRoot))
    .map((pid) => readProc(pid, procRoot))
    .filter((p): p is Proc => p !== undefined);
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
  return now !== undefined && now.startTicks === p.startTicks && now.argv.join('\0') === p.argv.join('\0');
}

/** True when the process has a handler for the signal (SigCgt in /proc/PID/status). A signal it does
 * not catch would run the default action, which for SIGHUP, SIGUSR1 and SIGUSR2 is to terminate it. */
export function catches(pid: number, signum: number, procRoot = '/proc'): boolean {
  return catchesSignal(read(procRoot, pid, 'status') ?? '', signum);
}

export const describeProc = (p: Proc) => `pid ${p.pid} (${p.argv.join(' ').slice(0, 120)})`;
