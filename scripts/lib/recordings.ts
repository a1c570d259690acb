// The recording of each stack run: its lifecycle events and check results, kept in .state/runs/<project>.json
// after the stack and its own .state/<project>/ are gone, so that the lab can reopen and replay it. The last
// KEEP_RUNS recordings are kept. Each is written to a temporary file and renamed into place, so a reader
// never sees half of one; a file that is not a recording (corrupt, unknown version, foreign) is skipped.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { STATE_DIR } from './config.js';

export const RECORDING_VERSION = 1;
/** How many recordings are kept: the newest by start time; older ones are removed as a new one is written. */
export const KEEP_RUNS = 20;
export const RUNS_DIR = join(STATE_DIR, 'runs');
/** A runner project's name, sl-<stack>-<6 hex digits> (scripts/lib/lifecycle.ts): the only names recorded. */
export const RUN_NAME = /^sl-[a-z0-9]+-[0-9a-f]{6}$/;
/** A recording larger than this is no recording of ours: readers skip it unread. */
const MAX_BYTES = 8 * 1024 * 1024;
/** At most this many events are recorded (the first ones: a run's story is its start). */
export const MAX_EVENTS = 5000;

export interface RecordedEvent {
  /** Milliseconds since the epoch. */
  time: number;
  service: string;
  container: string;
  /** create, start, restart, health_status, kill, die, stop. */
  action: string;
  /** health_status: the status; die: the exit code; kill: the signal. */
  detail?: string;
}

export interface RecordedCheck {
  name: string;
  ok: boolean;
  /** Why the check did not run (ok is then true). */
  skipped?: string;
  ms: number;
  /** What a failed check printed as EXPECTED and RECEIVED. */
  expected?: string;
  received?: string;
  /** A failure's message. */
  error?: string;
}

export interface Recording {
  version: typeof RECORDING_VERSION;
  stack: string;
  project: string;
  /** ISO times the run started (before its build) and its recording was written. */
  started: string;
  ended: string;
  events: RecordedEvent[];
  checks: RecordedCheck[];
}

export interface RunSummary {
  project: string;
  stack: string;
  started: string;
  ended: string;
  /** Checks that ran and passed, that failed, and that were skipped. */
  passed: number;
  failed: number;
  skipped: number;
}

const str = (v: unknown): v is string => typeof v === 'string';
const optStr = (v: unknown) => v === undefined || str(v);

/** The value as a recording, or undefined when it is not one of this version. */
function asRecording(v: unknown): Recording | undefined {
  const r = v as Partial<Recording> | null;
  if (typeof r !== 'object' || r === null || r.version !== RECORDING_VERSION) return undefined;
  if (!str(r.stack) || !str(r.project) || !RUN_NAME.test(r.project) || !str(r.started) || !str(r.ended)) return undefined;
  if (!Array.isArray(r.events) || !Array.isArray(r.checks)) return undefined;
  const eventsOk = r.events.every(
    (e) => typeof e?.time === 'number' && str(e.service) && str(e.container) && str(e.action) && optStr(e.detail),
  );
  const checksOk = r.checks.every(
    (c) =>
      str(c?.name) && typeof c.ok === 'boolean' && typeof c.ms === 'number' && [c.skipped, c.expected, c.received, c.error].every(optStr),
  );
  return eventsOk && checksOk ? (r as Recording) : undefined;
}

/** One recording by its project's name; undefined when there is none, or the file is not a recording of it. */
export function readRecording(project: string, dir = RUNS_DIR): Recording | undefined {
  if (!RUN_NAME.test(project)) return undefined;
  const file = join(dir, `${project}.json`);
  try {
    if (statSync(file).size > MAX_BYTES) return undefined;
    const rec = asRecording(JSON.parse(readFileSync(file, 'utf8')));
    return rec?.project === project ? rec : undefined;
  } catch {
    return undefined;
  }
}

/** Every readable recording, newest first. */
function readAll(dir: string): Recording[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => readRecording(f.slice(0, -'.json'.length), dir))
    .filter((r): r is Recording => r !== undefined)
    .sort((a, b) => b.started.localeCompare(a.started) || b.project.localeCompare(a.project));
}

/** What the lab lists of each recording, newest first. */
export function listRecordings(dir = RUNS_DIR): RunSummary[] {
  return readAll(dir).map((r) => ({
    project: r.project,
    stack: r.stack,
    started: r.started,
    ended: r.ended,
    passed: r.checks.filter((c) => c.ok && c.skipped === undefined).length,
    failed: r.checks.filter((c) => !c.ok).length,
    skipped: r.checks.filter((c) => c.skipped !== undefined).length,
  }));
}

/** Writes a recording atomically (a temporary file renamed into place), then keeps only the newest `keep`. */
export function saveRecording(rec: Recording, dir = RUNS_DIR, keep = KEEP_RUNS): string {
  if (!RUN_NAME.test(rec.project)) throw new Error(`not a runner project name: ${rec.project}`);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${rec.project}.json`);
  const tmp = join(dir, `.${rec.project}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, JSON.stringify(rec));
    renameSync(tmp, file);
  } finally {
    rmSync(tmp, { force: true });
  }
  for (const old of readAll(dir).slice(keep)) rmSync(join(dir, `${old.project}.json`), { force: true });
  return file;
}
