// What the Actions view computes without the DOM (tested on Node): the stack runs whose checks can run, the
// chaos steps the lessons take on a stack's pods (kill a sidecar, restart an app, stop or start a receiver),
// and a run of checks as counts in words.
import type { RecordedCheck } from '../../recordings.js';
import type { Stack } from '../stacks.js';
import type { TrafficAnswer } from '../traffic.js';

/** A stack runner's own project (not a side project, not a project named with --project). */
const RUN = /^sl-[a-z0-9]+-[0-9a-f]{6}$/;

/** The receivers the lessons stop (a service the sidecar ships to), by stack. */
const RECEIVERS: Record<string, string[]> = { logs: ['rsyslog'] };
/** Roles that are no sidecar: the app, the pause container, a container alone. */
const NOT_SIDECAR = new Set(['app', 'pause', 'standalone']);

export interface ChaosStep {
  action: 'kill' | 'restart' | 'stop' | 'start';
  container: string;
  service: string;
  label: string;
}

export const checkable = (stacks: Stack[]): Stack[] => stacks.filter((s) => RUN.test(s.project));

/** The lessons' chaos steps on one stack's pods, in the order of its pods and members. */
export function chaosSteps(s: Stack): ChaosStep[] {
  const steps: ChaosStep[] = [];
  for (const pod of s.pods)
    for (const c of pod.containers) {
      const step = (action: ChaosStep['action'], label: string) => steps.push({ action, container: c.name, service: c.service, label });
      const running = c.state === 'running';
      if ((RECEIVERS[s.stack] ?? []).includes(c.service)) {
        if (running) step('stop', `Stop the receiver: ${c.service}`);
        else step('start', `Start the receiver again: ${c.service}`);
      } else if (pod.owner && c.name !== pod.owner && running) {
        if (c.role === 'app') step('restart', `Restart the app: ${c.service} (docker restart)`);
        else if (c.role !== null && !NOT_SIDECAR.has(c.role)) step('kill', `Kill the sidecar: ${c.service} (SIGKILL, as a crash)`);
      }
    }
  return steps;
}

/** A run of checks so far, in words: `3 passed, 1 failed, 2 skipped`. */
export function tally(results: RecordedCheck[]): string {
  const skipped = results.filter((r) => r.skipped !== undefined).length;
  const failed = results.filter((r) => !r.ok).length;
  return `${results.length - failed - skipped} passed, ${failed} failed, ${skipped} skipped`;
}

export interface Rate {
  container: string;
  service: string;
  what: string;
  total: number;
  /** Per second since the previous read; null on the first read, after a restart (a counter that went down), or without a previous read of it. */
  perSecond: number | null;
  why?: string;
}

/** Each sidecar counter's rate between two reads of /api/traffic. */
export function rates(prev: TrafficAnswer | undefined, cur: TrafficAnswer): Rate[] {
  const seconds = prev && prev.project === cur.project ? (cur.time - prev.time) / 1000 : 0;
  return cur.sidecars.flatMap((s) => {
    if (s.why !== undefined)
      return [{ container: s.container, service: s.service, what: 'traffic', total: 0, perSecond: null, why: s.why }];
    return s.counters.map((k) => {
      const before = prev?.sidecars.find((p) => p.container === s.container)?.counters.find((p) => p.what === k.what)?.total;
      const ok = seconds > 0 && before !== undefined && k.total >= before;
      return {
        container: s.container,
        service: s.service,
        what: k.what,
        total: k.total,
        perSecond: ok ? (k.total - before) / seconds : null,
      };
    });
  });
}
