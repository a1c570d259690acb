// npm run verify -- FILE (or sidecar-lab verify FILE) [--service NAME...] [--env-file F] [--set VAR=VALUE...]
//   [--reporter text|junit] [--output F] [--keep] [--allow-privileged]
//   Brings a user's Compose file up as a project of its own (sl-verify-*), checks every group that has a
//   sidecar (docs/verify.md), and tears it down. Messages on stderr, the report on stdout (or --output).
//   Exit 0: every check passed; 1: a check failed; 2: bad input; 130: Ctrl-C, after teardown.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { commandName, userCwd } from './lib/cli/invocation.js';
import { type Options, parseVerifyArgs, usage } from './lib/verify/args.js';
import { BadInput } from './lib/verify/plan.js';
import { counts, junitReport, refused, textSummary } from './lib/verify/report.js';
import { runVerify } from './lib/verify/run.js';

const USAGE = usage(commandName('verify'));
const say = (line: string) => process.stderr.write(`${line}\n`);

async function main(argv: string[]): Promise<number> {
  let o: Options | undefined;
  try {
    o = parseVerifyArgs(argv);
  } catch (e) {
    say(`verify: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (!o) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const cwd = userCwd('verify');
  const junit = o.reporter === 'junit';
  const emit = (text: string) => (o.output ? writeFileSync(resolve(cwd, o.output), text) : process.stdout.write(text));
  // Progress lines from the shared lifecycle parts are messages: they go to stderr with ours.
  console.log = (...args: unknown[]) => say(args.join(' '));
  try {
    const out = await runVerify(o, cwd, say, junit ? say : (line) => process.stdout.write(`${line}\n`));
    if (junit) emit(junitReport(out, o.file));
    else if (o.output) emit(textSummary(out));
    else process.stdout.write(textSummary(out));
    return counts(out).failed ? 1 : 0;
  } catch (e) {
    if (!(e instanceof BadInput)) throw e;
    say(`verify: ${e.message}`);
    if (junit) emit(junitReport(refused(e.message), o.file));
    return 2;
  }
}

process.exitCode = await main(process.argv.slice(2));
