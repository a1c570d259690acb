// The oracle for topz (runner side, not part of the image): ask a topz for its process list, and ask the
// engine's kernel what it holds of the same pod (through a toolbox in the pod's PID namespace: pod-view.ts),
// to compare the two without trusting topz. "The host" below is that kernel's view.
// Used by this stack's checks, by the check `--with topz` adds to any stack (attached.ts) and by bench:topz.
import type { Project } from '../../scripts/lib/compose.js';
import type { ProcessView, Snapshot } from '../../sidecars/topz/src/schema.js';
import { type PodProcess, processesIn } from './pod-view.js';

export async function fetchSnapshot(base: string, token?: string): Promise<Snapshot> {
  const res = await fetch(new URL('/api/processes', base), { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (res.status !== 200) throw new Error(`GET ${base}/api/processes answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as Snapshot;
}

/** A container's processes, as the engine's kernel shows them to a toolbox in its PID namespace. */
export const containerProcesses = (service: string, id: string) => processesIn([[service, id]]);

/** The processes of a pod's members (they share its PID namespace), in one look. */
export async function podProcesses(project: Project, services: string[]): Promise<PodProcess[]> {
  return processesIn(await Promise.all(services.map(async (s): Promise<[string, string]> => [s, await project.id(s)])));
}

const identity = (p: { pid: number; name: string; startTime: string }) => `${p.pid} ${p.name} ${p.startTime}`;

export interface Comparison {
  /** Pod processes alive before and after the request that topz did not list. */
  missing: PodProcess[];
  /** Listed processes older than the first host look that the host did not see in the pod. */
  foreign: ProcessView[];
  /** How many listed processes were compared (a positive control: never 0). */
  compared: number;
}

/**
 * Compares a snapshot taken between two host looks at the pod. Processes started after the first
 * look (healthcheck probes, execs) are not judged: the host could not have seen them then.
 */
export function compareWithHost(snap: Snapshot, before: PodProcess[], after: PodProcess[], beforeAt: number): Comparison {
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
