// GET /api/lessons and /api/lessons/<stack>: the lessons the Lessons view shows, one per stack: its title and
// its source (the README's first lines), and its picture of the lab (docs/lab/<stack>.png, as a data: URL the
// page's Content-Security-Policy allows). A stack is named only from the runner's list, never as a path.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HttpError } from '../../../sidecars/lib/http.js';
import { ROOT } from '../config.js';
import { stackNames } from '../scenarios.js';

export interface Lesson {
  stack: string;
  title: string;
  /** The book chapter or source the lesson follows, as its README says it. */
  source: string;
}

/** A lesson's title and source from its README: the `# ` line, then the first paragraph in italics. */
export function readmeHead(text: string, stack: string): Omit<Lesson, 'stack'> {
  const title = /^# (.+)$/m.exec(text)?.[1]?.trim() ?? stack;
  const source = /^\*([^*][\s\S]*?)\*\s*$/m.exec(text)?.[1]?.replace(/\s+/g, ' ').trim() ?? '';
  return { title, source };
}

const readme = (stack: string) => readFileSync(join(ROOT, 'stacks', stack, 'README.md'), 'utf8');

export function lessons(): Lesson[] {
  return stackNames().map((stack) => ({ stack, ...readmeHead(readme(stack), stack) }));
}

/** One lesson with its picture; 404 for a name that is no stack. */
export function lesson(name: string): Lesson & { picture: string | null } {
  const stack = stackNames().find((s) => s === name);
  if (!stack) throw new HttpError(404, 'no such lesson: see GET /api/lessons');
  const png = join(ROOT, 'docs', 'lab', `${stack}.png`);
  const picture = existsSync(png) ? `data:image/png;base64,${readFileSync(png).toString('base64')}` : null;
  return { stack, ...readmeHead(readme(stack), stack), picture };
}
