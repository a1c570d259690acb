// POST /api/chaos: the chaos steps the lessons take, on one of our containers:
// - kill it as a crash comes: SIGKILL to its main process (crash.ts), so that its restart policy brings it
//   back; where only the engine can send the kill, the lab makes the start the policy would have made;
// - restart it (docker restart);
// - stop it and start it again (a receiver away, then back).
// Each action is kept on the timeline as an event of its own (action `lab`), beside the engine's events it causes.
import { HttpError } from '../../../sidecars/lib/http.js';
import { type Signaller, signalContainer, type Via } from './crash.js';
import type { Engine, Inspect } from './engine.js';
import type { LabEvent } from './hub.js';
import { PROJECT_LABEL, SERVICE_LABEL } from './ours.js';

export const CHAOS = ['kill', 'restart', 'stop', 'start'] as const;
export type Chaos = (typeof CHAOS)[number];

export function chaosOf(value: unknown): Chaos {
  if (typeof value !== 'string' || !(CHAOS as readonly string[]).includes(value))
    throw new HttpError(400, `action: one of ${CHAOS.join(', ')}`);
  return value as Chaos;
}

/** What the action did, as the timeline says it (`kill SIGKILL (pid)`, `restart`), and how a kill was sent. */
export async function act(engine: Engine, target: Inspect, action: Chaos, o: Signaller): Promise<{ detail: string; via?: Via }> {
  if (action === 'kill') {
    const via = await signalContainer(engine, target, 'SIGKILL', o);
    return { detail: `kill SIGKILL (${via})`, via };
  }
  await engine[action](target.Id);
  return { detail: action };
}

/** The timeline's mark of an action taken from the lab on `target`. */
export function actionEvent(target: Inspect, detail: string, time = Date.now()): LabEvent {
  const labels = target.Config.Labels ?? {};
  return {
    time,
    project: labels[PROJECT_LABEL] ?? '?',
    service: labels[SERVICE_LABEL] ?? '?',
    container: target.Name.replace(/^\//, ''),
    id: target.Id.slice(0, 12),
    action: 'lab',
    detail,
  };
}
