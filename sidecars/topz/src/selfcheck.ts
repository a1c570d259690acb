// The start-up self-check (repeated for each new process): topz must not be able to read the
// environment of a process in another container. If it can, it runs with too much privilege
// (root, CAP_SYS_PTRACE, or the app's own uid) and says so loudly.
import { readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { readText, splitNul, statusField, type Read } from '../../lib/proc.js';

export interface Exposure {
  pid: number;
  name: string;
}

export interface SelfCheckIo {
  read?: Read;
  readlink?: (path: string) => string;
}

/** Why topz's own credentials (its /proc/self/status) are too strong, or undefined when they are not. */
export function privilege(status: string): string | undefined {
  // Uid: real, effective, saved, file-system.
  const euid = statusField(status, 'Uid')?.split(/\s+/)[1];
  const capEff = statusField(status, 'CapEff');
  if (euid === '0') return 'topz runs as root (uid 0)';
  if (capEff && /[1-9a-f]/.test(capEff)) return `topz holds capabilities (CapEff ${capEff}); drop them all (cap_drop: [ALL])`;
  return undefined;
}

/**
 * Processes, among pids, whose environ topz can read although they live in another mount namespace
 * (another container). Processes of topz's own container (its healthcheck) do not count.
 */
export function readableEnvirons(root: string, selfPid: number, pids: number[], io: SelfCheckIo = {}): Exposure[] {
  const read = io.read ?? readText;
  const readlink = io.readlink ?? ((p: string) => readlinkSync(p));
  const ns = (pid: number) => {
    try {
      return readlink(join(root, String(pid), 'ns', 'mnt'));
    } catch {
      return undefined;
    }
  };
  const own = ns(selfPid);
  const out: Exposure[] = [];
  for (const pid of pids) {
    if (pid === selfPid) continue;
    let env: string[];
    try {
      env = splitNul(read(join(root, String(pid), 'environ')));
    } catch {
      continue; // EACCES is the safe outcome; ENOENT means it exited
    }
    if (env.length === 0) continue; // zombies and kernel threads have none
    const theirs = ns(pid);
    if (own !== undefined && theirs === own) continue;
    out.push({ pid, name: nameOf(root, pid, read) });
  }
  return out;
}

function nameOf(root: string, pid: number, read: Read): string {
  try {
    return read(join(root, String(pid), 'comm')).trim();
  } catch {
    return '?';
  }
}

/** The loud message: one per process, naming the fix. */
export function exposureWarning(e: Exposure): string {
  return `SECURITY WARNING: topz can read the environment of PID ${e.pid} (${e.name}) in another container; run topz as its own non-root user with cap_drop: [ALL]`;
}
