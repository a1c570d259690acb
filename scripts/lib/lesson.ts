// The shell commands a lesson (a README) tells its reader to type, so that tests can keep them true:
// every `npm run X` and `make X` must exist, and the ones that need no manual step are run by the
// stack's own check against the running stack.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './config.js';

export type Kind = 'lifecycle' | 'manual' | 'runnable' | 'exercise';
export interface Command {
  line: string;
  section: string;
  kind: Kind;
}

/** Lines of the ```sh blocks, without comments, with the `## ` section each stands under. A command inside a
 * generated Exercises block (scripts/lib/exercise/lesson.ts) is an exercise's step: `npm run exercise` checks its
 * effect, and the exercise proof (scripts/lib/test/exercises.docker.test.ts) applies the solution and checks it. */
export function shellCommands(markdown: string): Command[] {
  const out: Command[] = [];
  let section = '',
    inSh = false,
    inExercises = false;
  for (const raw of markdown.split('\n')) {
    if (raw.startsWith('## ')) section = raw.slice(3).trim();
    if (raw.startsWith('<!-- BEGIN exercises')) inExercises = true;
    if (raw.startsWith('<!-- END exercises')) inExercises = false;
    const fence = /^\s*```(\w*)/.exec(raw);
    if (fence) {
      inSh = !inSh && (fence[1] === 'sh' || fence[1] === 'bash');
      continue;
    }
    if (!inSh) continue;
    const line = raw.replace(/\s+#.*$/, '').trim();
    if (line && !line.startsWith('#')) out.push({ line, section, kind: inExercises ? 'exercise' : classify(line) });
  }
  return out;
}

const LIFECYCLE =
  /^(npm run (-s )?(stack|bench|test|build|doctor|images|gen)\b|npm (ci|test)\b|make\b|[A-Z_]+=\S+ npm run|eval "\$\(npm run -s stack:)/;

/**
 * lifecycle: what the runner itself does (stack:*, bench:*, make demo/setup/test, and `eval` of a run's `urls --env`):
 * CI runs those.
 * manual: needs the reader (a <placeholder>, a watch, a follow). runnable: everything else. (An exercise's
 * commands are sorted by where they stand, in shellCommands: they are checked, by npm run exercise.)
 */
export function classify(line: string): Kind {
  if (/<[^>]+>|\bwatch\b|\s-f\b|\bdocker\b|\bcurl\b|\bgit\b/.test(line)) return 'manual';
  if (LIFECYCLE.test(line)) return 'lifecycle';
  return 'runnable';
}

const packageScripts = () => (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

/** The npm script a line runs, and its arguments after `--`, or undefined for another command. */
export function npmScript(line: string): { script: string; args: string[] } | undefined {
  const m = /^npm run (?:-s )?([\w:-]+)(?: -- (.*))?$/.exec(line);
  return m ? { script: m[1]!, args: m[2] ? splitArgs(m[2]) : [] } : undefined;
}

/** The node command an npm script ends in, without its `npm run -s build &&` prefix (the tree is built). */
export function nodeCommandOf(script: string): string[] {
  const body = packageScripts()[script];
  if (!body) throw new Error(`package.json has no script "${script}"`);
  const last = body.split('&&').pop()!.trim();
  if (!last.startsWith('node ')) throw new Error(`script "${script}" does not end in a node command: ${body}`);
  return last.split(/\s+/).slice(1);
}

/** Splits shell words: single quotes keep everything, double quotes allow \" inside. */
export function splitArgs(text: string): string[] {
  const words: string[] = [];
  const re = /'([^']*)'|"((?:\\.|[^"\\])*)"|(\S+)/g;
  for (let m: RegExpExecArray | null; (m = re.exec(text)); ) words.push(m[1] ?? m[2]?.replace(/\\(.)/g, '$1') ?? m[3]!);
  return words;
}

export const lessonOf = (stack: string) => readFileSync(join(ROOT, 'stacks', stack, 'README.md'), 'utf8');
export const scriptNames = () => Object.keys(packageScripts());
