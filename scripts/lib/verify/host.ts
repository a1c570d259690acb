// What the host knows about a running container: its engine state, and, through the host's /proc, its
// namespaces, its processes' start times and its listening sockets. Every /proc read here is of the
// kernel's own files, for processes the engine started.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { $ } from 'zx';

export interface Inspected {
  id: string;
  service: string;
  pid: number;
  startedAt: string;
  running: boolean;
  health?: string;
  restartPolicy: string;
  restartCount: number;
  /** network name -> address */
  networks: Record<string, string>;
}

export async function inspectContainer(id: string): Promise<Inspected> {
  const [c] = JSON.parse((await $`docker inspect ${id}`.quiet()).stdout) as {
    Id: string;
    State: { Pid: number; StartedAt: string; Running: boolean; Health?: { Status: string } };
    RestartCount: number;
    HostConfig: { RestartPolicy?: { Name?: string } };
    Config: { Labels: Record<string, string> };
    NetworkSettings: { Networks: Record<string, { IPAddress: string }> };
  }[];
  return {
    id: c!.Id,
    service: c!.Config.Labels['com.docker.compose.service'] ?? '?',
    pid: c!.State.Pid,
    startedAt: c!.State.StartedAt,
    running: c!.State.Running,
    health: c!.State.Health?.Status,
    restartPolicy: c!.HostConfig.RestartPolicy?.Name || 'no',
    restartCount: c!.RestartCount,
    networks: Object.fromEntries(Object.entries(c!.NetworkSettings.Networks ?? {}).map(([k, v]) => [k, v.IPAddress])),
  };
}

/** The inode of a process's namespace, e.g. "net:[4026532301]". */
export const namespaceOf = (pid: number, ns: 'net' | 'pid' | 'ipc') => readlinkSync(`/proc/${pid}/ns/${ns}`);

/** When a process started, in clock ticks since boot (/proc/PID/stat field 22): a reused PID differs here. */
export function startTicks(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // the command name (field 2) may hold spaces and parentheses: count fields after its closing one
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]!;
}

/** Host PIDs of a container's processes. */
export async function processesOf(id: string): Promise<number[]> {
  const out = (await $`docker top ${id} -o pid`.quiet()).stdout.trim().split('\n').slice(1);
  return out.map((l) => Number(l.trim())).filter((n) => n > 0);
}

export interface Listener {
  /** The address it is bound to, as text (0.0.0.0, ::, 127.0.0.1...). */
  address: string;
  port: number;
  inode: string;
}

const hexV4 = (h: string) => [6, 4, 2, 0].map((i) => Number.parseInt(h.slice(i, i + 2), 16)).join('.');
function hexV6(h: string): string {
  if (/^0{32}$/.test(h)) return '::';
  if (h === '00000000000000000000000001000000') return '::1';
  if (h.startsWith('0000000000000000FFFF0000')) return hexV4(h.slice(24));
  // four little-endian 32-bit words
  const words = [0, 8, 16, 24].map((i) =>
    hexV4(h.slice(i, i + 8))
      .split('.')
      .map(Number),
  );
  return words
    .flatMap((w) => [(w[0]! << 8) | w[1]!, (w[2]! << 8) | w[3]!])
    .map((n) => n.toString(16))
    .join(':');
}

/** The TCP sockets listening in a process's network namespace (/proc/PID/net/tcp and tcp6, state 0A). */
export function listeners(pid: number): Listener[] {
  const out: Listener[] = [];
  for (const [file, toText] of [
    ['tcp', hexV4],
    ['tcp6', hexV6],
  ] as const) {
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/net/${file}`, 'utf8');
    } catch {
      continue; // no IPv6 in this namespace
    }
    for (const line of text.trim().split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f[3] !== '0A') continue;
      const [addr, port] = f[1]!.split(':');
      out.push({ address: toText(addr!), port: Number.parseInt(port!, 16), inode: f[9]! });
    }
  }
  return out;
}

/** The socket inodes a process holds open. */
export function socketsOf(pid: number): Set<string> {
  const found = new Set<string>();
  let fds: string[] = [];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return found; // it exited
  }
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) found.add(m[1]!);
    } catch {
      // closed while we looked
    }
  }
  return found;
}
