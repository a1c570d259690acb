// GET /api/processes: the processes of one pod, read on the host: every process whose PID namespace is the
// pod owner's (the inode behind /proc/<pid>/ns/pid). Each goes through topz's own reading and redaction
// (sidecars/topz/src/proc.ts, redact.ts), so nothing topz hides shows here; environments are never read.
import { readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { listPids, statusField, readText } from '../../../sidecars/lib/proc.js';
import { readProcess } from '../../../sidecars/topz/src/proc.js';
import { redactArgs, secretMatcher } from '../../../sidecars/topz/src/redact.js';

export interface LabProcess {
  /** The host's pid (null when topz answered: it knows only the pod's), and the pid inside the pod (NSpid's last field). */
  pid: number | null;
  podPid: number | null;
  ppid: number;
  uid: number;
  state: string;
  name: string;
  /** The command line, redacted as topz redacts it. */
  args: string[];
  rssBytes: number;
}

export interface PodProcesses {
  processes: LabProcess[];
  /** Processes that exited or could not be read while the pod was read. */
  skipped: number;
  /** True when more than `max` processes were found: the rest are not shown. */
  truncated: boolean;
}

const isSecret = secretMatcher();

const nsOf = (procRoot: string, pid: number) => {
  try {
    return readlinkSync(join(procRoot, String(pid), 'ns', 'pid'));
  } catch {
    return undefined;
  }
};

/** The processes in the PID namespace of `ownerPid`, at most `max`, in pid order. */
export function podProcesses(ownerPid: number, procRoot = '/proc', max = 500): PodProcesses {
  const ns = nsOf(procRoot, ownerPid);
  const out: PodProcesses = { processes: [], skipped: 0, truncated: false };
  if (!ns) return out;
  for (const pid of listPids(readdirSync(procRoot))) {
    if (nsOf(procRoot, pid) !== ns) continue;
    if (out.processes.length >= max) {
      out.truncated = true;
      break;
    }
    const r = readProcess(procRoot, pid, { cmdline: true, environ: false });
    if (!('ok' in r)) {
      out.skipped++;
      continue;
    }
    let podPid: number | null = null;
    try {
      const nspid = statusField(readText(join(procRoot, String(pid), 'status')), 'NSpid')
        ?.trim()
        .split(/\s+/);
      podPid = nspid?.length ? Number(nspid.at(-1)) : null;
    } catch {
      // exited since: the pod's pid is unknown
    }
    const p = r.ok;
    out.processes.push({
      pid,
      podPid,
      ppid: p.ppid,
      uid: p.uid,
      state: p.state,
      name: p.comm,
      args: redactArgs(p.cmdline ?? [], isSecret),
      rssBytes: p.rssBytes,
    });
  }
  return out;
}
