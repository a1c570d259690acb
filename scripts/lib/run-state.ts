// The one owner of run.json: what a run of a stack records in .state/<project>/ so that later
// commands (down, npm run config, the demos and benches) can find it and talk to the same project.
// `down` replays the recorded env and files, so Compose interpolates them exactly as `up` did.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Placement } from './attach.js';
import { Project } from './compose.js';
import { ROOT, STATE_DIR } from './config.js';

export interface RunRecord {
  stack: string;
  /** The Compose project name, also the name of the run's directory in .state/. */
  project: string;
  /** ISO time the run was created. */
  created: string;
  env: Record<string, string>;
  /** Compose files, relative to stacks/<stack>/ or absolute (a --with override lives in the run's directory). */
  files: string[];
  /** The sidecars `up --with` attached, by name, and where each was placed (scripts/lib/attach.ts): what `urls`
   * describes of them, and how a verb finds a run with them. */
  attached?: Record<string, Placement>;
}

const FILE = 'run.json';

/** The run's own directory: certificates, tokens, overrides and run.json live there. */
export const runDir = (project: string) => join(STATE_DIR, project);

export function writeRun(rec: RunRecord): void {
  mkdirSync(runDir(rec.project), { recursive: true });
  writeFileSync(join(runDir(rec.project), FILE), JSON.stringify(rec, null, 2));
}

/** Records written before `files` was recorded ran the stack's compose.yaml alone. */
function parse(text: string): RunRecord {
  const rec = JSON.parse(text) as Omit<RunRecord, 'files'> & { files?: string[] };
  return { ...rec, files: rec.files ?? ['compose.yaml'] };
}

/** The record of one run; throws when `up` left no such run. */
export function readRun(project: string): RunRecord {
  const file = join(runDir(project), FILE);
  if (!existsSync(file)) throw new Error(`no run named ${project} in .state/ (start one with npm run stack:<name> -- up)`);
  return parse(readFileSync(file, 'utf8'));
}

/** Every recorded run (of one stack, when given), newest first. */
export function listRuns(stack?: string): RunRecord[] {
  if (!existsSync(STATE_DIR)) return [];
  return readdirSync(STATE_DIR)
    .filter((d) => existsSync(join(STATE_DIR, d, FILE)))
    .map((d) => readRun(d))
    .filter((r) => !stack || r.stack === stack)
    .sort((a, b) => b.created.localeCompare(a.created));
}

/** Rewrites a run's record (e.g. to remember a profile started later, so `down` removes it too). */
export function updateRun(project: string, change: (rec: RunRecord) => RunRecord): RunRecord {
  const rec = change(readRun(project));
  writeRun(rec);
  return rec;
}

/** The Compose project of a recorded run, with every file it was started with. */
export function projectOf(rec: RunRecord, profiles: string[] = []): Project {
  return new Project({ project: rec.project, cwd: join(ROOT, 'stacks', rec.stack), files: rec.files, env: rec.env, profiles });
}
