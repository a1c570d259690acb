// The run a later command acts on: the newest run of a stack that `up` left and that still runs. The check verb,
// the exec/logs/ps/restart/stop/start/kill/urls/apply verbs and `npm run exercise` find it here, so a learner never copies a
// project name. A run started from another compose file of the stack (`up --file compose.naive.yaml`) is found
// only by that file; a run with attached sidecars (`up --with`) counts as one of the stack's own, and is found by
// those sidecars too.
import { $ } from 'zx';
import { listRuns, type RunRecord } from './run-state.js';

/** Input a verb refuses (exit 2, one line). */
export class BadInput extends Error {}

export interface RunChoice {
  /** A project name: that run only. */
  project?: string;
  /** A compose file of the stack other than its own: the newest run started from it. */
  file?: string;
  /** Sidecars attached by `up --with`: the newest of the stack's own runs with exactly these attached. */
  with?: string[];
}

const same = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Whether a recorded run is one `choice` asks for (own: the stack's own files, e.g. ['compose.yaml']). */
export function chosen(rec: RunRecord, own: string[], choice: RunChoice = {}): boolean {
  if (choice.project) return rec.project === choice.project;
  if (choice.file) return same(rec.files, [choice.file]);
  const mine = same(rec.files.slice(0, own.length), own);
  return choice.with ? mine && same(Object.keys(rec.attached ?? {}), choice.with) : mine;
}

/** Whether any container of a Compose project is running. */
export async function isUp(project: string): Promise<boolean> {
  const ids = await $`docker ps -q --filter ${`label=com.docker.compose.project=${project}`}`.quiet();
  return ids.stdout.trim() !== '';
}

/** The run of `stack` that `up` left and that still runs, as `choice` picks it; newest first. */
export async function runningRun(stack: string, own: string[], choice: RunChoice = {}): Promise<RunRecord> {
  for (const rec of listRuns(stack).filter((r) => chosen(r, own, choice))) if (await isUp(rec.project)) return rec;
  const attached = choice.with?.length ? ` with ${choice.with.join(' and ')} attached` : '';
  const which = choice.project
    ? `no run ${choice.project} of ${stack} is up`
    : choice.file
      ? `no run of ${stack} from ${choice.file} is up`
      : `no run of ${stack}${attached} is up`;
  const start = choice.file
    ? `npm run stack:${stack} -- up --file ${choice.file}`
    : `npm run stack:${stack} -- up${(choice.with ?? []).map((w) => ` --with ${w}`).join('')}`;
  throw new BadInput(`${which}: start one with ${start}`);
}
