// What a container costs, read on the host from its cgroup (v1 cpuacct or v2 cpu.stat) and /proc,
// so measuring sends nothing to the measured processes and runs nothing on their core.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export class ContainerCgroup {
  private constructor(
    private readonly dir: string,
    private readonly v2: boolean,
  ) {}

  /** The cgroup of a container's main process (host PID, from docker inspect). */
  static of(hostPid: number): ContainerCgroup {
    const lines = readFileSync(`/proc/${hostPid}/cgroup`, 'utf8').trim().split('\n');
    const v1 = lines.find((l) => /^\d+:[^:]*\bcpuacct\b[^:]*:/.test(l));
    if (v1) return new ContainerCgroup(`/sys/fs/cgroup/cpuacct${v1.split(':')[2]}`, false);
    const v2 = lines.find((l) => l.startsWith('0::'));
    if (v2) return new ContainerCgroup(`/sys/fs/cgroup${v2.slice(3)}`, true);
    throw new Error(`no cpu accounting cgroup for pid ${hostPid}: ${lines.join('; ')}`);
  }

  /** CPU time used by every process of the container so far, in seconds. */
  cpuSeconds(): number {
    if (!this.v2) return Number(readFileSync(`${this.dir}/cpuacct.usage`, 'utf8')) / 1e9;
    const usec = /usage_usec (\d+)/.exec(readFileSync(`${this.dir}/cpu.stat`, 'utf8'))?.[1];
    return Number(usec) / 1e6;
  }

  private pids(): string[] {
    return readFileSync(`${this.dir}/cgroup.procs`, 'utf8').trim().split('\n').filter(Boolean);
  }

  /** Resident memory of the container's processes (sum of VmRSS), and the anonymous (private) part of it, in bytes. */
  rss(): { rss: number; anon: number } {
    const sum = { rss: 0, anon: 0 };
    for (const pid of this.pids()) {
      try {
        const status = readFileSync(`/proc/${pid}/status`, 'utf8');
        sum.rss += Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
        sum.anon += Number(/RssAnon:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
      } catch {
        /* exited meanwhile */
      }
    }
    return sum;
  }

  /**
   * Proportional memory of the container's processes (/proc/<pid>/smaps_rollup), in bytes: each page
   * counted as its share among the processes that map it, so pages the processes of several containers
   * share (one image's runtime) are counted once across them. The resident total beside it.
   */
  pss(): { pss: number; pssAnon: number; pssFile: number; rss: number } {
    const sum = { pss: 0, pssAnon: 0, pssFile: 0, rss: 0 };
    const kb = (text: string, field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0) * 1024;
    for (const pid of this.pids()) {
      try {
        const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
        sum.pss += kb(rollup, 'Pss');
        sum.pssAnon += kb(rollup, 'Pss_Anon');
        sum.pssFile += kb(rollup, 'Pss_File');
        sum.rss += kb(rollup, 'Rss');
      } catch {
        /* exited meanwhile */
      }
    }
    return sum;
  }
}

/**
 * Gives the cgroup that holds a container's cgroup (its cgroup_parent) `factor` times the CPU weight of
 * an ordinary process or container, so other work on a shared machine yields the pinned core to it.
 * Returns what was set, for the report.
 */
export function raiseParentWeight(hostPid: number, factor: number): string {
  const lines = readFileSync(`/proc/${hostPid}/cgroup`, 'utf8').trim().split('\n');
  const v1 = lines.find((l) => /^\d+:[^:]*\bcpu\b[^:]*:/.test(l));
  if (v1) {
    const parent = dirname(v1.split(':')[2]!);
    writeFileSync(`/sys/fs/cgroup/cpu${parent}/cpu.shares`, String(1024 * factor));
    return `cgroup ${parent} cpu.shares ${1024 * factor}`;
  }
  const parent = dirname(lines.find((l) => l.startsWith('0::'))!.slice(3));
  writeFileSync(`/sys/fs/cgroup${parent}/cpu.weight`, String(100 * factor));
  return `cgroup ${parent} cpu.weight ${100 * factor}`;
}

/**
 * A cgroup of its own for the load generators, with `factor` times an ordinary process's CPU weight:
 * a process left in the root cgroup is weighed by its session's autogroup, where nice does not help.
 * Returns the cgroup.procs file a process joins by writing its PID.
 */
export function loadCgroup(name: string, factor: number): string {
  const v1 = existsSync('/sys/fs/cgroup/cpu/cpu.shares');
  const dir = v1 ? `/sys/fs/cgroup/cpu/${name}` : `/sys/fs/cgroup/${name}`;
  mkdirSync(dir, { recursive: true });
  writeFileSync(v1 ? `${dir}/cpu.shares` : `${dir}/cpu.weight`, String(v1 ? 1024 * factor : 100 * factor));
  return `${dir}/cgroup.procs`;
}

/** Removes an emptied parent cgroup from every hierarchy (it stays while another benchmark still uses it). */
export function removeParent(name: string): void {
  for (const ctrl of readdirSync('/sys/fs/cgroup')) {
    try {
      rmdirSync(`/sys/fs/cgroup/${ctrl}/${name}`);
    } catch {
      /* absent or in use */
    }
  }
  try {
    rmdirSync(`/sys/fs/cgroup/${name}`);
  } catch {
    /* cgroup v2, absent or in use */
  }
}

/** Busy time of one CPU core so far (all but idle and iowait), in seconds. */
export function coreBusySeconds(core: number): number {
  const line = readFileSync('/proc/stat', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`cpu${core} `));
  if (!line) throw new Error(`no cpu${core} in /proc/stat`);
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number) as number[];
  return (user! + nice! + system! + irq! + softirq! + steal!) / 100; // USER_HZ
}
