// One engine event stream for every viewer: the hub opens it once, parses its lines, keeps the recent
// lifecycle events of our projects for the timeline, and hands each one to every subscriber. When the
// stream ends or cannot be opened, the state becomes "unreachable" and it is opened again, with a
// growing pause (at most maxRetryMs), until the engine answers.
import type { Readable } from 'node:stream';
import { PROJECT_LABEL, SERVICE_LABEL } from './ours.js';

export type EngineState = 'connecting' | 'up' | 'unreachable';

export interface LabEvent {
  /** Milliseconds since the epoch, from the engine's timeNano. */
  time: number;
  project: string;
  service: string;
  /** The container's name and its short id. */
  container: string;
  id: string;
  /** create, start, restart, health_status, kill, die, stop, destroy, oom, pause, unpause; `lab`: an action
   * taken from the lab (a kill, restart, stop or start), never an engine event. */
  action: string;
  /** health_status: the new status; die: the exit code; kill: the signal; lab: what was done (`kill SIGKILL`). */
  detail?: string;
}

/** `stacks`: a new read of the pods differs from the picture viewers were last given (picture.ts): ask again. */
export type Message = { type: 'engine'; state: EngineState; reason?: string } | { type: 'event'; event: LabEvent } | { type: 'stacks' };

export interface HubOptions {
  /** The events kept for the timeline (oldest dropped first). */
  keep?: number;
  retryMs?: number;
  maxRetryMs?: number;
}

/** A line longer than this is no event of ours: it is dropped, not buffered. */
const MAX_LINE = 64 * 1024;

interface RawEvent {
  Action?: string;
  id?: string;
  timeNano?: number;
  time?: number;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
}

/** One engine event line as a LabEvent of one of our projects, or undefined. */
export function parseEvent(line: string, ours: (project: string | undefined) => boolean): LabEvent | undefined {
  let raw: RawEvent;
  try {
    raw = JSON.parse(line) as RawEvent;
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null) return undefined;
  const a = typeof raw.Actor?.Attributes === 'object' && raw.Actor.Attributes !== null ? raw.Actor.Attributes : {};
  const project = a[PROJECT_LABEL];
  if (!ours(project) || typeof raw.Action !== 'string') return undefined;
  const [action, ...rest] = raw.Action.split(':');
  const detail = rest.join(':').trim() || a.exitCode || a.signal;
  const id = String(raw.Actor?.ID ?? raw.id ?? '').slice(0, 12);
  const time = typeof raw.timeNano === 'number' ? raw.timeNano / 1e6 : (raw.time ?? 0) * 1000;
  return {
    time,
    project: project!,
    service: a[SERVICE_LABEL] ?? '?',
    container: a.name ?? id,
    id,
    action: action!,
    ...(detail ? { detail } : {}),
  };
}

export class Hub {
  state: EngineState = 'connecting';
  reason?: string;
  /** How many times the upstream stream was opened (one per engine connection, whatever the viewers). */
  opens = 0;
  /** How many messages (events, engine states) have been handed out: a picture read before is stale. */
  generation = 0;
  /** The generation of each container's last event (by short id), and of the last engine state. */
  private readonly touched = new Map<string, number>();
  private stateGeneration = 0;
  private readonly subscribers = new Set<(m: Message) => void>();
  private readonly recent: LabEvent[] = [];
  private upstream?: Readable;
  private timer?: NodeJS.Timeout;
  private pause: number;
  private stopped = false;

  constructor(
    private readonly open: () => Promise<Readable>,
    private readonly ours: (project: string | undefined) => boolean,
    private readonly o: HubOptions = {},
  ) {
    this.pause = o.retryMs ?? 500;
  }

  start(): void {
    this.stopped = false;
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.upstream?.destroy();
  }

  /** The kept events, oldest first. */
  history(): LabEvent[] {
    return [...this.recent];
  }

  get clients(): number {
    return this.subscribers.size;
  }

  /** Calls fn with the engine's state now, then with every message; returns the unsubscribe call. */
  subscribe(fn: (m: Message) => void): () => void {
    this.subscribers.add(fn);
    fn(this.stateMessage());
    return () => this.subscribers.delete(fn);
  }

  private stateMessage(): Message {
    return { type: 'engine', state: this.state, ...(this.reason ? { reason: this.reason } : {}) };
  }

  private broadcast(m: Message): void {
    this.generation++;
    this.announce(m);
  }

  /** What the picture shows changed without an engine event (a project's roles were read): every kept read is
   * stale, and viewers are told to ask again. */
  stale(): void {
    this.broadcast({ type: 'stacks' });
  }

  /** Hands a message to every subscriber without making kept reads stale: news about a read, not of the engine. */
  announce(m: Message): void {
    for (const fn of [...this.subscribers]) {
      try {
        fn(m);
      } catch {
        this.subscribers.delete(fn); // a subscriber that throws is gone; the others go on
      }
    }
  }

  private setState(state: EngineState, reason?: string): void {
    const changed = this.state !== state;
    this.state = state;
    this.reason = reason;
    // Retries that fail again change only the reason: viewers hear of a change of state, once.
    if (!changed) return;
    this.broadcast(this.stateMessage());
    this.stateGeneration = this.generation; // events may have been missed meanwhile: every kept read is stale
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    this.opens++;
    let stream: Readable;
    try {
      stream = await this.open();
    } catch (e) {
      this.lost(e);
      return;
    }
    if (this.stopped) {
      stream.destroy();
      return;
    }
    this.upstream = stream;
    this.pause = this.o.retryMs ?? 500;
    this.setState('up');
    let buffer = '';
    let ended = false;
    const end = (e?: unknown) => {
      if (ended) return;
      ended = true;
      stream.destroy();
      this.lost(e ?? new Error('the engine closed its event stream'));
    };
    stream.on('data', (chunk: Buffer | string) => {
      buffer += chunk.toString();
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        this.line(buffer.slice(0, nl));
        buffer = buffer.slice(nl + 1);
      }
      if (buffer.length > MAX_LINE) buffer = '';
    });
    stream.once('end', () => end());
    stream.once('close', () => end());
    stream.once('error', (e) => end(e));
  }

  private line(text: string): void {
    const event = parseEvent(text, this.ours);
    if (!event) return;
    this.keep(event);
    this.broadcast({ type: 'event', event });
    this.touched.delete(event.id); // re-inserted last: the oldest entries go first when there are too many
    this.touched.set(event.id, this.generation);
    if (this.touched.size > 10_000) this.touched.delete(this.touched.keys().next().value!);
  }

  /** Records an action taken from the lab, kept and handed out as the engine's events are. */
  mark(event: LabEvent): void {
    this.keep(event);
    this.broadcast({ type: 'event', event });
  }

  private keep(event: LabEvent): void {
    this.recent.push(event);
    if (this.recent.length > (this.o.keep ?? 2000)) this.recent.shift();
  }

  /** True when the container (full or short id) had an event, or the engine a change, after `generation`. */
  changedSince(id: string, generation: number): boolean {
    return this.stateGeneration > generation || (this.touched.get(id.slice(0, 12)) ?? 0) > generation;
  }

  private lost(e: unknown): void {
    this.upstream = undefined;
    if (this.stopped) return;
    this.setState('unreachable', String((e as Error)?.message ?? e).split('\n')[0]);
    this.timer = setTimeout(() => void this.connect(), this.pause);
    this.timer.unref();
    this.pause = Math.min(this.pause * 2, this.o.maxRetryMs ?? 5000);
  }
}
