// The runner's side of the recordings (recordings.ts): a run's events and check results as a recording,
// written when the run ends. Kept apart from recordings.ts, which the lab server reads with, so that the
// lab does not load the runner's modules.
import { type CheckResult, CheckFailure, show } from './check.js';
import type { DockerEvent } from './docker.js';
import {
  MAX_EVENTS,
  RECORDING_VERSION,
  type RecordedCheck,
  type RecordedEvent,
  type Recording,
  RUNS_DIR,
  saveRecording,
} from './recordings.js';

function eventOf(e: DockerEvent): RecordedEvent {
  // The engine's status is `health_status: healthy` for a health change: the action, then the detail.
  const [action, ...rest] = e.status.split(':');
  const detail = rest.join(':').trim() || e.detail;
  return { time: e.time, service: e.service, container: e.container ?? e.service, action: action!.trim(), ...(detail ? { detail } : {}) };
}

function checkOf(r: CheckResult): RecordedCheck {
  const c: RecordedCheck = { name: r.name, ok: r.ok, ms: r.ms };
  if (r.skipped !== undefined) c.skipped = r.skipped;
  if (r.error) c.error = r.error.message;
  if (r.error instanceof CheckFailure) Object.assign(c, { expected: show(r.error.expected), received: show(r.error.received) });
  return c;
}

export function recordingOf(run: {
  stack: string;
  project: string;
  started: number;
  ended?: number;
  events: DockerEvent[];
  results: CheckResult[];
}): Recording {
  return {
    version: RECORDING_VERSION,
    stack: run.stack,
    project: run.project,
    started: new Date(run.started).toISOString(),
    ended: new Date(run.ended ?? Date.now()).toISOString(),
    events: [...run.events]
      .sort((a, b) => a.time - b.time)
      .slice(0, MAX_EVENTS)
      .map(eventOf),
    checks: run.results.map(checkOf),
  };
}

/** saveRecording for the runner: a recording that cannot be written is said in one line, never fatal to the run. */
export function keepRecording(...args: Parameters<typeof recordingOf>): void {
  try {
    saveRecording(recordingOf(...args));
  } catch (e) {
    console.log(`the run's recording could not be written to ${RUNS_DIR}: ${(e as Error).message}`);
  }
}
