// How POST /api/kill signals a container: to its main process by host PID, as a crash comes, so that the
// engine applies the container's restart policy. A kill through the engine's API counts as a manual stop
// (Engine 20.10), after which `restart: unless-stopped` leaves the container down: a lesson's "kill the
// sidecar" would then show no restart. The PID is used only when /proc/<pid>/cgroup names the container
// (the lab shares the engine's PID namespace); otherwise, and when the lab may not signal it, the engine
// sends the signal; and once the container has stopped, the lab starts it again where its restart policy would
// have restarted a crash (startAsPolicyWould), marking that start on the timeline as its own action.
import type { Engine, Inspect } from './engine.js';
import { cgroupIds } from './owners.js';

export type Via = 'pid' | 'engine';

export interface Signaller {
  /** Sends a signal to a host PID; `process.kill` in the lab, absent in tests that use made-up PIDs. */
  killPid?: (pid: number, signal: NodeJS.Signals) => void;
  procRoot?: string;
}

export async function signalContainer(engine: Engine, target: Inspect, signal: NodeJS.Signals, o: Signaller): Promise<Via> {
  const pid = target.State.Pid;
  if (o.killPid && target.State.Running && pid > 0 && cgroupIds(o.procRoot ?? '/proc', pid).includes(target.Id)) {
    try {
      o.killPid(pid, signal);
      return 'pid';
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'EPERM' && code !== 'ESRCH') throw e;
    }
  }
  await engine.kill(target.Id, signal);
  return 'engine';
}

/** How long the lab waits for a container the engine signalled to stop. */
const STOP_DEADLINE_MS = 30_000;

/** Whether the engine's restart policy restarts a container whose process exited with `exitCode` by itself. */
export function restartsAfterCrash(c: Inspect, exitCode: number): boolean {
  const { Name = 'no', MaximumRetryCount = 0 } = c.HostConfig.RestartPolicy ?? {};
  if (Name === 'always' || Name === 'unless-stopped') return true;
  return Name === 'on-failure' && exitCode !== 0 && (MaximumRetryCount === 0 || (c.RestartCount ?? 0) < MaximumRetryCount);
}

/** After a signal the engine sent, which its restart policy counts as a stop: once the container has stopped, the
 * start its policy would have made after a crash, marked first. Resolves with what it did, never rejects. */
export async function startAsPolicyWould(
  engine: Engine,
  target: Inspect,
  mark: (detail: string) => void,
  withinMs = STOP_DEADLINE_MS,
): Promise<string> {
  const policy = target.HostConfig.RestartPolicy?.Name || 'no';
  if (policy === 'no') return 'no restart policy';
  try {
    const code = await engine.exitCode(target.Id, withinMs);
    const now = await engine.inspect(target.Id);
    if (now.State.Running) return 'running again';
    if (!restartsAfterCrash(now, code)) return `not restarted by ${policy} after exit ${code}`;
    mark(`start, as its restart policy ${policy} would after a crash (exit ${code}): the engine counts its own kill as a stop`);
    await engine.start(target.Id);
    return 'started';
  } catch (e) {
    return `not started: ${(e as Error).message.split('\n')[0]}`;
  }
}
