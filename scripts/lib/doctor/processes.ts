// Whether the runner sees the containers' processes, two ways. Through a toolbox that joins a running pod's PID
// namespace: the stacks' checks read a pod's processes and namespaces so (the https stack's check 4, the topz
// oracle), and this works wherever the engine runs. And in the runner's own /proc, at the PID the engine gives
// (State.Pid): only the lab's Pods and Processes views and verify's namespace, crash and port checks read that;
// under Docker Desktop the engine runs in a VM of its own, they show nothing or skip, and it is a warning.
import { VERSION } from '../config.js';
import { type Finding, lastLine, type Runner } from './finding.js';
import type { Host } from './host.js';
import type { OsKind } from './platform.js';
import { remedy } from './remedies.js';

const WHAT = 'the runner sees container processes (a toolbox in a pod’s PID namespace)';
const OWN = 'the runner’s own /proc shows container processes (for the lab, and verify’s namespace, crash and port checks)';
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

/** What a toolbox in the pod's PID namespace reads as its PID 1: the pod's init. */
async function toolboxFinding(run: Runner, pod: string, os: OsKind): Promise<Finding> {
  const look = ['docker', 'run', '--pull', 'never', '--rm', '--pid', `container:${pod}`, '--network', 'none'];
  const r = await run([...look, `sidecar-lab/toolbox:${VERSION}`, 'cat', '/proc/1/stat']);
  const comm = /^1 \((.*)\) /.exec(r.out)?.[1];
  const ok = r.ok && comm !== undefined;
  return {
    ok,
    what: WHAT,
    detail: ok
      ? `a toolbox in pod ${pod.slice(0, 12)} read its PID 1 (${comm})`
      : `a toolbox in pod ${pod.slice(0, 12)} could not read /proc/1/stat: ${lastLine(r.out.trim())}`,
    remedy: remedy('processes', os),
  };
}

export async function processFindings(run: Runner, host: Host, os: OsKind, project?: string): Promise<Finding[]> {
  const pod = await runningPod(run, project);
  if (!pod) return [{ ok: false, optional: true, what: WHAT, detail: `no container running to test; to test: ${HOW}` }];
  const toolbox = await toolboxFinding(run, pod, os);
  const inspected = await run(['docker', 'inspect', '--format', '{{.State.Pid}}', pod]);
  const pid = Number(inspected.out);
  if (!inspected.ok || !(pid > 0))
    return [toolbox, { ok: false, optional: true, what: OWN, detail: `no PID for pod ${pod}: ${inspected.out}` }];
  const stat = host.procStat(pid);
  const ok = stat?.startsWith(`${pid} (`) === true;
  return [
    toolbox,
    {
      ok,
      optional: true,
      what: OWN,
      detail: ok
        ? `read /proc/${pid} of pod ${pod.slice(0, 12)}`
        : `cannot read /proc/${pid} of pod ${pod.slice(0, 12)} (its State.Pid): the lab shows no processes, and verify skips those checks`,
      remedy: remedy('procfs', os),
    },
  ];
}
