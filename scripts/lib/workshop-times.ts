// The machine's seconds of each lesson, as `npm run bench:workshop` measured them (docs/workshop-times.json): read
// by scripts/lib/workshop.ts for docs/workshop.md and each lesson's Time, written only by the bench.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './config.js';

export interface LessonTime {
  upS: number;
  checkS: number;
  /** The declared exercises' checks on the untouched run, together; 0 for a lesson without declared exercises. */
  exercisesS: number;
  downS: number;
  /** The 1-minute load average when the lesson's measurement started. */
  load: number;
  /** When it started, e.g. "2026-11-24 00:10 UTC". */
  at: string;
}

export interface Times {
  machine: string;
  lessons: Record<string, LessonTime>;
}

export const TIMES_FILE = join(ROOT, 'docs', 'workshop-times.json');

const FIELDS = ['upS', 'checkS', 'exercisesS', 'downS', 'load'] as const;

/** The file, checked: every lesson has every field, a number of seconds ≥ 0. */
export function readTimes(file = TIMES_FILE): Times {
  const t = JSON.parse(readFileSync(file, 'utf8')) as Times;
  for (const [stack, l] of Object.entries(t.lessons ?? {}))
    for (const f of FIELDS)
      if (typeof l[f] !== 'number' || !(l[f] >= 0))
        throw new Error(`${file}: ${stack}.${f} must be a number ≥ 0, not ${JSON.stringify(l[f])}`);
  return t;
}

export function writeTimes(t: Times, file = TIMES_FILE): void {
  writeFileSync(file, `${JSON.stringify(t, null, 2)}\n`);
}
