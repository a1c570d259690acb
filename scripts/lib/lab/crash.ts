// How POST /api/kill signals a container: to its main process by host PID, as a crash comes, so that the
// engine applies the container's restart policy. A kill through the engine's API counts as a manual stop
// (Engine 20.10), after which `restart: unless-stopped` leaves the container down: a lesson's "kill the
// sidecar" would then show no restart. The PID is used only when /proc/<pid>/cgroup names the container
// (the lab shares the engine's PID namespace); otherwise, and when the lab may not signal it, the engine
// sends the signal.
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
