// GET /api/processes: a pod's processes, from the topz attached to it when there is one the lab can use,
// else read by the lab itself (processes.ts). The answer says which source it is, and why topz was not used.
import type { Engine, Inspect } from './engine.js';
import { PROJECT_LABEL } from './ours.js';
import { type PodProcesses, podProcesses } from './processes.js';
import { askTopz, isTopz, topzAddress } from './topz.js';

export type ProcessesAnswer = PodProcesses & {
  container: string;
  pid: number;
  /** "topz": topz's own answer (its redaction, its view); "lab": read on the host through topz's rules. */
  source: 'topz' | 'lab';
  /** The topz URL asked (never the token). */
  via?: string;
  /** Why an attached topz was not used. */
  fallback?: string;
  /** Whether command lines are shown (topz shows them only with --show-cmdline). */
  cmdline: boolean;
};

const joined = (mode: string | undefined) => (mode?.startsWith('container:') ? mode.slice('container:'.length) : undefined);

/** The running topz that shares the PID namespace of `owner`, if any, among the containers of its project. */
async function attachedTopz(engine: Engine, owner: Inspect): Promise<Inspect | undefined> {
  const project = owner.Config.Labels?.[PROJECT_LABEL];
  const listed = (await engine.list()).filter((s) => s.Labels[PROJECT_LABEL] === project);
  for (const s of listed) {
    const c = await engine.inspect(s.Id).catch(() => undefined);
    const to = c && joined(c.HostConfig.PidMode);
    if (c && to && isTopz(c) && c.State.Running && owner.Id.startsWith(to)) return c;
  }
  return undefined;
}

export async function processesOf(
  engine: Engine,
  target: Inspect,
  o: { procRoot?: string; topzDeadlineMs?: number } = {},
): Promise<ProcessesAnswer> {
  const pid = target.State.Running ? target.State.Pid : 0;
  const base = { container: target.Name.replace(/^\//, ''), pid };
  const ours = (fallback?: string): ProcessesAnswer => ({
    ...base,
    ...podProcesses(pid, o.procRoot),
    source: 'lab',
    cmdline: true,
    ...(fallback ? { fallback } : {}),
  });
  if (!pid) return ours();
  const ownerId = joined(target.HostConfig.PidMode);
  const owner = ownerId ? await engine.inspect(ownerId).catch(() => undefined) : target;
  const topz = owner && (await attachedTopz(engine, owner).catch(() => undefined));
  if (!owner || !topz) return ours();
  const at = topzAddress(topz, owner);
  if ('why' in at) return ours(at.why);
  try {
    return { ...base, ...(await askTopz(at.url, at.token, o.topzDeadlineMs)), source: 'topz', via: at.url };
  } catch (e) {
    return ours((e as Error).message);
  }
}
