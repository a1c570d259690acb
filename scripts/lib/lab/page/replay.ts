// What the page computes for a recorded run without the DOM (tested on Node): its events as the timeline
// shows them, each check's line, the picker's label of a run, and how far a replay has come.
import type { RecordedCheck, Recording, RunSummary } from '../../recordings.js';
import type { LabEvent } from '../hub.js';

/** A replay runs this many times faster than the run did: a 60 s run replays in 10 s. */
export const REPLAY_SPEED = 6;

/** A recording's events as the timeline draws them, oldest first. */
export function runEvents(rec: Recording): LabEvent[] {
  return rec.events.map((e) => ({ ...e, project: rec.project, id: '' })).sort((a, b) => a.time - b.time);
}

/** How many of the events (oldest first) a replay has revealed `elapsedMs` after it began. */
export function revealed(events: { time: number }[], elapsedMs: number, speed = REPLAY_SPEED): number {
  const until = (events[0]?.time ?? 0) + elapsedMs * speed;
  let n = 0;
  while (n < events.length && events[n]!.time <= until) n++;
  return n;
}

/** A check as the list shows it: a glyph and a word as well as a colour, and what it expected and received. */
export function checkLine(c: RecordedCheck): { glyph: string; word: string; tone: string; text: string } {
  if (c.skipped !== undefined) return { glyph: '–', word: 'skipped', tone: 'warn', text: `${c.name}: ${c.skipped}` };
  if (c.ok) return { glyph: '✔', word: 'passed', tone: 'good', text: `${c.name} (${c.ms} ms)` };
  return { glyph: '✘', word: 'failed', tone: 'bad', text: `${c.name} (${c.ms} ms)${c.error ? `: ${c.error}` : ''}` };
}

/** The picker's line for a recorded run: its project, when it started, and its counts in words. */
export function runLabel(s: RunSummary, when = (iso: string) => new Date(iso).toLocaleString()): string {
  const skipped = s.skipped ? `, ${s.skipped} skipped` : '';
  return `${s.project} · ${when(s.started)} · ${s.passed} passed, ${s.failed} failed${skipped}`;
}
