// The host-side oracle for topz (runner side, not part of the image): ask a topz for its process
// list, and ask the host what it sees of the same pod, to compare the two without trusting topz.
// Used by this stack's checks, by the check `--with topz` adds to any stack (attached.ts) and by bench:topz.
import { readFileSync } from 'node:fs';
import { $ } from 'zx';
import type { Project } from '../../scripts/lib/compose.js';
import { bootTime, parseStat, startDate } from '../../sidecars/lib/proc.js';
import type { ProcessView, Snapshot } from '../../sidecars/topz/src/schema.js';

export async function fetchSnapshot(base: string, token?: string): Promise<Snapshot> {
  const res = await fetch(new URL('/api/processes', base), { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (res.status !== 200) throw new Error(`GET ${base}/api/processes answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as Snapshot;
}

export interface HostProcess {
  service: string;
  hostPid: number;
  pid: number;
  name: string;
  startTime: string;
}

/** A container's processes as the host sees them: host PID, PID in the pod's namespace (NSpid), name, start time. */
export async function containerProcesses(service: string, id: string): Promise<HostProcess[]> {
  const out = (await $`docker top ${id} -eo pid`.quiet()).stdout
    .split('\n')
    .slice(1)
    .map((l) => Number(l.trim()))
    .filter((n) => n > 0);
  const btime = bootTime('/proc');
  return out.flatMap((hostPid) => {
    try {
      const status = readFileSync(`/proc/${hostPid}/status`, 'utf8');
      const ns = /^NSpid:\s+(.*)$/m.exec(status)![1]!.trim().split(/\s+/);
      const st = parseStat(readFileSync(`/proc/${hostPid}/stat`, 'utf8'));
      return [
        { service, hostPid, pid: Number(ns[ns.length - 1]), name: st.comm, startTime: startDate(btime, st.startTicks).toISOString() },
      ];
    } catch {
      return []; // exited since docker top listed it
    }
  });
}

export async function podProcesses(project: Project, services: string[]): Promise<HostProcess[]> {
  const lists = await Promise.all(services.map(async (s) => containerProcesses(s, await project.id(s))));
  return lists.flat();
}

const identity = (p: { pid: number; name: string; startTime: string }) => `${p.pid} ${p.name} ${p.startTime}`;

export interface Comparison {
  /** Pod processes alive before and after the request that topz did not list. */
  missing: HostProcess[];
  /** Listed processes older than the first host look that the host did not see in the pod. */
  foreign: ProcessView[];
  /** How many listed processes were compared (a positive control: never 0). */
  compared: number;
}

/**
 * Compares a snapshot taken between two host looks at the pod. Processes started after the first
 * look (healthcheck probes, execs) are not judged: the host could not have seen them then.
 */
export function compareWithHost(snap: Snapshot, before: HostProcess[], after: HostProcess[], beforeAt: number): Comparison {
  const listed = new Set(snap.processes.map(identity));
  const seenBefore = new Set(before.map(identity));
  const afterIds = new Set(after.map(identity));
  const missing = before.filter((p) => afterIds.has(identity(p)) && !listed.has(identity(p)));
  const old = snap.processes.filter((p) => Date.parse(p.startTime) < beforeAt - 5000);
  return { missing, foreign: old.filter((p) => !seenBefore.has(identity(p))), compared: old.length };
}

/** The host's view, a topz snapshot, then the host's view again, compared. */
export async function lookAndCompare(project: Project, services: string[], snapshot: () => Promise<Snapshot>) {
  const at = Date.now();
  const before = await podProcesses(project, services);
  const snap = await snapshot();
  const after = await podProcesses(project, services);
  return { snap, before, after, ...compareWithHost(snap, before, after, at) };
}
