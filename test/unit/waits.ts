// How the project's code and tests wait, as pure scans over { file: text } (so a test can feed them
// a made-up tree): copies of the waiting kernels, and fixed delays in tests outside the one helper.
import type { Tree } from './layers.js';

/** The one home of each waiting kernel. */
const KERNELS: Record<string, string> = {
  until: 'sidecars/lib/test-support/wait.ts',
  freePort: 'sidecars/lib/test-support/wait.ts',
  quietFor: 'sidecars/lib/test-support/wait.ts',
  within: 'sidecars/lib/test-support/wait.ts',
  eventually: 'scripts/lib/check.ts',
  throughout: 'scripts/lib/check.ts',
};

/** A test, or code only tests load: under a test/ or test-support/ folder, or named *.test.ts. */
export const isTest = (file: string) => /(^|\/)(test|test-support)\//.test(file) || file.endsWith('.test.ts');

/** The text with its comments and the insides of its strings blanked, every character kept in place (so an
 * index is still a line): what runs in this file, not in a child program it starts from a string. */
export const bare = (text: string, strings = true) =>
  text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*|'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"|`(?:\\.|[^`\\])*`/g, (m) =>
    m.startsWith('/') ? m.replace(/[^\n]/g, ' ') : strings ? `${m[0]}${m.slice(1, -1).replace(/[^\n]/g, ' ')}${m[0]}` : m,
  );

const defining = (names: string) =>
  new RegExp(
    String.raw`\bfunction\s+(${names})\b|\b(?:const|let|var)\s+(${names})\s*=\s*(?:async\s*)?(?:function\b|\([^()]*\)\s*(?::[^=;]+)?=>|\w+\s*=>)` +
      String.raw`|^\s*(?:(?:private|public|protected|static)\s+)*(?:async\s+)?(${names})\s*\([^)]*\)\s*(?::\s*[^{;]+)?\{`,
    'gm',
  );
const KERNEL_DEF = defining(`${Object.keys(KERNELS).join('|')}|waitFor`);
const SLEEP_DEF = defining('sleep|delay|pause|wait');
const TIMER_PROMISE = /new Promise\s*(?:<[^>]*>)?\(\s*\(?\s*(\w+)\s*\)?\s*=>[^;]{0,60}?\bsetTimeout\(\s*\1\s*[,)]/g;

/**
 * Every definition of a waiting kernel outside its home, as "file: text". Anywhere: until, freePort,
 * quietFor, within, eventually, throughout, waitFor. In scripts/, stacks/ and every test also a sleep
 * of its own (a function named sleep/delay/pause/wait, or outside tests a promise a bare timer
 * resolves): they use zx's sleep or quietFor. A sidecar's own code may pause (its retries and polls
 * are its behaviour, and it may import neither zx nor test support).
 */
export function kernelCopies(tree: Tree): string[] {
  const out: string[] = [];
  for (const [file, text] of Object.entries(tree)) {
    const src = bare(text);
    for (const m of src.matchAll(KERNEL_DEF)) {
      const name = m[1] ?? m[2] ?? m[3]!;
      if (KERNELS[name] !== file) out.push(`${file}: ${m[0].trim()}`);
    }
    if ((file.startsWith('sidecars/') && !isTest(file)) || Object.values(KERNELS).includes(file)) continue;
    // A timer-resolved promise in a test is a fixed wait, reported by fixedWaits.
    for (const re of isTest(file) ? [SLEEP_DEF] : [SLEEP_DEF, TIMER_PROMISE])
      for (const m of src.matchAll(re)) out.push(`${file}: ${m[0].trim()}`);
  }
  return out;
}

/** An import of the promise timers, on a line of its own (not one in a string). */
const TIMERS_IMPORT = /^[ \t]*import\b[^;]*?\bfrom\s*['"](?:node:)?timers\/promises['"]/gm;
const SLEEPS = [
  TIMER_PROMISE, // await new Promise((r) => setTimeout(r, 50))
  /\b(?:Bun\.)?(?:sleep|sleepSync)\s*\(/g, // zx's sleep, Bun.sleep
  /\bAtomics\.wait\s*\(/g,
];

/**
 * Every fixed delay in a test outside quietFor (sidecars/lib/test-support/wait.ts), as "file:line: text".
 * "The test waits" counts: a promise that only a timer resolves, a sleep (zx, Bun), timers/promises.
 * "A fake peer is slow" or "a limit" does not: a timer whose callback acts (writes late, ends a
 * response, rejects or kills at a deadline) is behaviour under test or a bound, not a wait. So is
 * code inside a string: the program of a child process.
 */
export function fixedWaits(tree: Tree): string[] {
  const out: string[] = [];
  for (const [file, text] of Object.entries(tree)) {
    if (!isTest(file) || file === KERNELS.quietFor) continue;
    const at = (i: number) => `${file}:${text.slice(0, i).split('\n').length}`;
    const src = bare(text);
    for (const re of SLEEPS) for (const m of src.matchAll(re)) out.push(`${at(m.index)}: ${m[0]}`);
    for (const m of bare(text, false).matchAll(TIMERS_IMPORT)) out.push(`${at(m.index)}: ${m[0]}`);
  }
  return out;
}
