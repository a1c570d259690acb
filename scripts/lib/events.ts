// Records a compose project's container lifecycle events as they happen. Docker keeps only its last
// ~256 events for replay, daemon-wide, and health checks flood that buffer, so a timeline must be
// streamed from before `up` rather than asked for afterwards.
import { $, type ProcessPromise } from 'zx';
import type { DockerEvent } from './docker.js';

export interface EventRecorder {
  /** Events seen so far, oldest first. */
  events(): DockerEvent[];
  stop(): Promise<void>;
}

export function recordEvents(project: string): EventRecorder {
  const seen: DockerEvent[] = [];
  // --since replays whatever happened between this call and the stream attaching.
  const since = (Date.now() / 1000 - 1).toFixed(3);
  const proc: ProcessPromise = $({
    nothrow: true,
    quiet: true,
  })`docker events --since ${since} --filter type=container --filter ${`label=com.docker.compose.project=${project}`} --filter event=create --filter event=start --filter event=restart --filter event=kill --filter event=die --filter event=stop --filter event=health_status --format ${'{{json .}}'}`;
  let buffer = '';
  proc.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (!line) continue;
      const e = JSON.parse(line) as { status?: string; Action: string; timeNano: number; Actor: { Attributes: Record<string, string> } };
      const a = e.Actor.Attributes;
      const detail = a.exitCode ?? a.signal;
      seen.push({
        status: e.status ?? e.Action,
        service: a['com.docker.compose.service'] ?? '?',
        time: e.timeNano / 1e6,
        ...(a.name ? { container: a.name } : {}),
        ...(detail ? { detail } : {}),
      });
    }
  });
  return {
    events: () => [...seen].sort((a, b) => a.time - b.time),
    async stop() {
      await proc.kill().catch(() => undefined);
      await proc;
    },
  };
}

/** The first event of a service whose status matches. */
export const firstEvent = (evs: DockerEvent[], service: string, status: RegExp) =>
  evs.find((e) => e.service === service && status.test(e.status));

/** The start, die, kill and healthy events as lines, in ms from t0: what a failed ordering check shows. */
export const timeline = (evs: DockerEvent[], t0: number) =>
  evs
    .filter((e) => /^(start|die|kill|health_status: healthy)$/.test(e.status))
    .map((e) => `+${Math.round(e.time - t0)} ms  ${e.service}  ${e.status}`)
    .join('\n');
