// npm run exercise -- <stack> <n> [--hint | --solution | --solve | --reset]
//   (no option): check exercise n against the run of the stack that `up` left: ✔, or ✘ and why, in one sentence.
//   --hint: one more hint each time (the count is kept in .state/exercises/<stack>.json).
//   --solution: the solution, as a diff and/or commands.   --solve: apply it (git apply, then run its commands).
//   --reset: put back the files the exercise touches (git checkout of those paths only) and the stack.
// Exit 0: ✔ (or the option did its job); 1: ✘ or a step failed; 2: bad input or no run up (one line).
import { parseArgs } from 'node:util';
import { commandName } from './lib/cli/invocation.js';
import { BadInput } from './lib/current-run.js';
import { checkExercise, exerciseOf, nextHints, reset, solutionText, solve } from './lib/exercise/run.js';
import { exerciseStacks } from './lib/scenarios.js';

const usage = () =>
  `usage: ${commandName('exercise')} <stack> <n> [--hint | --solution | --solve | --reset]\nstacks with exercises: ${exerciseStacks().join(', ')}`;

async function main(): Promise<number> {
  let parsed: ReturnType<typeof parseArgs<{ allowPositionals: true; options: Record<string, { type: 'boolean' }> }>>;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        hint: { type: 'boolean' },
        solution: { type: 'boolean' },
        solve: { type: 'boolean' },
        reset: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    throw new BadInput(`${(e as Error).message.split('. ')[0]} (see --help)`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(usage());
    return 0;
  }
  const [stack, n, ...extra] = positionals;
  if (!stack || !n || extra.length) throw new BadInput(usage().split('\n')[0]!);
  const modes = ['hint', 'solution', 'solve', 'reset'].filter((m) => values[m]);
  if (modes.length > 1) throw new BadInput(`give one of --${modes.join(', --')}, not several`);
  const e = await exerciseOf(stack, n);
  const title = `${stack} exercise ${n}: ${e.title.replace(/\.$/, '')}`;
  if (values.hint) {
    const hints = nextHints(stack, Number(n), e);
    console.log(`${title}\n${hints.map((h, i) => `  hint ${i + 1} of ${e.hints.length}: ${h}`).join('\n')}`);
    return 0;
  }
  if (values.solution) {
    console.log(`${title}\n${solutionText(stack, e)}`);
    return 0;
  }
  if (values.solve) {
    await solve(stack, e);
    console.log(`${title}: solution applied; check it with ${commandName('exercise')} ${stack} ${n}`);
    return 0;
  }
  if (values.reset) {
    const done = await reset(stack, e);
    console.log(`${title}: ${done.length ? done.join('; ') : 'nothing to reset'}`);
    return 0;
  }
  const v = await checkExercise(stack, e);
  console.log(`${v.ok ? '✔' : '✘'} ${title}: ${v.reason}`);
  return v.ok ? 0 : 1;
}

try {
  process.exitCode = await main();
} catch (e) {
  console.error(`${e instanceof BadInput ? '' : '✘ '}${(e as Error).message}`);
  process.exitCode = e instanceof BadInput ? 2 : 1;
}
