// Whether the runner sees the containers' processes: can it read /proc/<pid> of a running pod of ours, at the
// PID the engine gives (State.Pid)? The https stack's namespace check and the topz oracle need that; under
// Docker Desktop the engine runs in a VM of its own, and they cannot.
import type { Finding, Runner } from './finding.js';
import type { Host } from './host.js';
import type { OsKind } from './platform.js';
import { remedy } from './remedies.js';

const WHAT = 'the runner sees container processes (/proc of a pod)';
const HOW = 'npm run stack:https -- up; npm run doctor -- --room; npm run stack:https -- down';

/** A running pod of ours: the pause container of `project`, or of any run when none is named. The image is the one
 * the container was created from (Config.Image): `docker ps` shows an image ID instead once a rebuild has moved
 * the tag. */
async function runningPod(run: Runner, project?: string): Promise<string | undefined> {
  const filter = project ? ['--filter', `label=com.docker.compose.project=${project}`] : [];
  const ps = await run(['docker', 'ps', '--filter', 'status=running', ...filter, '--quiet']);
  const ids = ps.out.split('\n').filter(Boolean);
  if (!ps.ok || !ids.length) return undefined;
  const r = await run(['docker', 'inspect', '--format', '{{.Id}} {{.Config.Image}}', ...ids]);
  if (!r.ok) return undefined;
  return r.out
    .split('\n')
    .map((l) => l.split(' '))
    .find(([, image]) => image?.startsWith('sidecar-lab/pause:'))?.[0];
}

export async function processFinding(run: Runner, host: Host, os: OsKind, project?: string): Promise<Finding> {
  const pod = await runningPod(run, project);
  if (!pod) return { ok: false, optional: true, what: WHAT, detail: `no container running to test; to test: ${HOW}` };
  const inspected = await run(['docker', 'inspect', '--format', '{{.State.Pid}}', pod]);
  const pid = Number(inspected.out);
  if (!inspected.ok || !(pid > 0)) return { ok: false, optional: true, what: WHAT, detail: `no PID for pod ${pod}: ${inspected.out}` };
  const stat = host.procStat(pid);
  const ok = stat?.startsWith(`${pid} (`) === true;
  return {
    ok,
    what: WHAT,
    detail: ok ? `read /proc/${pid} of pod ${pod.slice(0, 12)}` : `cannot read /proc/${pid} of pod ${pod.slice(0, 12)} (its State.Pid)`,
    remedy: remedy('processes', os),
  };
}
