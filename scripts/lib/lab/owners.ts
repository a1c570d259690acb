// Who holds a socket, read on the host: the processes in a network namespace (the inode behind
// /proc/<pid>/ns/net), each socket inode they hold (/proc/<pid>/fd/* → socket:[inode]), and the container
// each process is in. A process's container is the one whose full id its /proc/<pid>/cgroup names (cgroup
// v1 `4:memory:/docker/<id>`, v2 `0::/system.slice/docker-<id>.scope` or `0::/docker/<id>`: Docker puts
// the id in the path either way), else the container whose first process it descends from.
import { readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { listPids, parseStat, readText } from '../../../sidecars/lib/proc.js';

export interface Member {
  /** The container's full id. */
  id: string;
  /** Its first process on the host (State.Pid), 0 when it is not running. */
  pid: number;
  service: string;
}

const link = (path: string) => {
  try {
    return readlinkSync(path);
  } catch {
    return undefined;
  }
};

/** The host's processes by network namespace (the link behind /proc/<pid>/ns/net), read once, when first
 * asked: one read of the pods asks it for each pod with a published port, and the host has many processes. */
export function netnsIndex(procRoot: string): (ns: string) => number[] {
  let by: Map<string, number[]> | undefined;
  return (ns) => {
    if (!by) {
      by = new Map();
      for (const p of listPids(readdirSync(procRoot))) {
        const of = link(join(procRoot, String(p), 'ns', 'net'));
        if (!of) continue;
        const pids = by.get(of);
        if (pids) pids.push(p);
        else by.set(of, [p]);
      }
    }
    return by.get(ns) ?? [];
  };
}

/** Socket inode → the host pids holding it, for every process in the network namespace of `pid` (as `inNs`,
 * the host's processes by namespace, lists them). */
export function socketHolders(
  procRoot: string,
  pid: number,
  inNs: (ns: string) => number[] = netnsIndex(procRoot),
): Map<string, number[]> | { error: string } {
  const ns = link(join(procRoot, String(pid), 'ns', 'net'));
  if (!ns) return { error: `the network namespace of pid ${pid} cannot be read` };
  const out = new Map<string, number[]>();
  let denied = 0;
  for (const p of inNs(ns)) {
    let fds: string[];
    try {
      fds = readdirSync(join(procRoot, String(p), 'fd'));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EACCES') denied++;
      continue; // exited since, or not ours to read
    }
    for (const fd of fds) {
      const inode = /^socket:\[(\d+)\]$/.exec(link(join(procRoot, String(p), 'fd', fd)) ?? '')?.[1];
      if (inode) out.set(inode, [...(out.get(inode) ?? []), p]);
    }
  }
  if (!out.size && denied) return { error: `the pod's open files cannot be read (EACCES on ${denied} process(es)): run the lab as root` };
  return out;
}

/** The full container ids a process's cgroup path names (from the host, cgroup v1 and v2 both show it). */
export const cgroupIds = (procRoot: string, pid: number) => {
  try {
    return readText(join(procRoot, String(pid), 'cgroup')).match(/[0-9a-f]{64}/g) ?? ([] as string[]);
  } catch {
    return [];
  }
};

const parentOf = (procRoot: string, pid: number) => {
  try {
    return parseStat(readText(join(procRoot, String(pid), 'stat'))).ppid;
  } catch {
    return 0;
  }
};

/** The member `pid` belongs to: by the container id in its cgroup, else by descent from a member's first process. */
export function memberOf(procRoot: string, pid: number, members: Member[]): Member | undefined {
  const ids = cgroupIds(procRoot, pid);
  const byId = members.find((m) => ids.includes(m.id));
  if (byId) return byId;
  for (let p = pid, hops = 0; p > 1 && hops < 64; p = parentOf(procRoot, p), hops++) {
    const m = members.find((x) => x.pid === p);
    if (m) return m;
  }
  return undefined;
}
