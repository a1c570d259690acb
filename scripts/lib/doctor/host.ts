// The laptop itself, as `doctor --room` sees it: OS and architecture, cores, memory and free disk. Every fact
// comes through Host, so a test can describe any laptop.
import { readFileSync, statfsSync } from 'node:fs';
import { arch, cpus, totalmem } from 'node:os';
import { ROOT } from '../config.js';
import type { Finding } from './finding.js';
import { OS_NAMES, type OsKind, platformName, readProcVersion } from './platform.js';
import { remedy } from './remedies.js';

export interface Host {
  platform: NodeJS.Platform;
  arch: string;
  cpus: number;
  /** bytes */
  memory: number;
  procVersion: string;
  nodeVersion: string;
  env: NodeJS.ProcessEnv;
  /** The project directory. */
  root: string;
  /** Free bytes of the file system that holds path, or undefined when path is not on this machine. */
  freeBytes(path: string): number | undefined;
  /** /proc/<pid>/stat as this process reads it, or undefined when it cannot. */
  procStat(pid: number): string | undefined;
}

export const GiB = 2 ** 30;
export const MIN_CORES = 2;
/** 4 GiB of memory shows as a little less (the kernel keeps some): 3.5 GiB passes. */
export const MIN_MEMORY = 3.5 * GiB;
/** npm ci is about 265 MB, and the build output and run state a little more. */
export const MIN_PROJECT_DISK = 2 * GiB;

export const gib = (bytes: number) => `${Math.round(bytes / GiB)} GiB`;
const gib1 = (bytes: number) => `${(bytes / GiB).toFixed(1)} GiB`;

export function realHost(): Host {
  return {
    platform: process.platform,
    arch: arch(),
    cpus: cpus().length,
    memory: totalmem(),
    procVersion: readProcVersion(),
    nodeVersion: process.version,
    env: process.env,
    root: ROOT,
    freeBytes(path) {
      try {
        const s = statfsSync(path);
        return s.bavail * s.bsize;
      } catch {
        return undefined;
      }
    },
    procStat(pid) {
      try {
        return readFileSync(`/proc/${pid}/stat`, 'utf8');
      } catch {
        return undefined;
      }
    },
  };
}

/** Free space on path: `need` bytes or more passes. */
export function diskFinding(what: string, free: number | undefined, need: number, os: OsKind): Finding {
  return {
    ok: free === undefined || free >= need,
    what,
    detail:
      free === undefined
        ? 'not on this machine (inside the engine’s VM): not measured from here'
        : `${gib1(free)} free (needs ${gib(need)})`,
    remedy: remedy('disk', os),
  };
}

export function hostFindings(host: Host, os: OsKind): Finding[] {
  const tested = os === 'linux' && host.arch === 'x64';
  // WSL 1 has no Linux kernel of its own ("…-Microsoft" in /proc/version), so no engine runs beside it.
  const wsl1 = os === 'wsl' && !/microsoft-standard|WSL2/i.test(host.procVersion);
  return [
    {
      ok: os !== 'windows' && !wsl1,
      what: 'OS and architecture',
      detail: `${wsl1 ? 'Windows (WSL 1)' : OS_NAMES[os]}, ${platformName(host.platform, host.arch)}${tested ? '' : ' (not tested here yet: sidecar-lab is tested on Linux amd64)'}`,
      remedy: remedy('os', os),
    },
    { ok: host.cpus >= MIN_CORES, what: 'cores', detail: `${host.cpus} (needs ${MIN_CORES})`, remedy: remedy('cores', os) },
    { ok: host.memory >= MIN_MEMORY, what: 'memory', detail: `${gib1(host.memory)} (needs 4 GiB)`, remedy: remedy('memory', os) },
    diskFinding(`free disk of the project (${host.root})`, host.freeBytes(host.root), MIN_PROJECT_DISK, os),
  ];
}
