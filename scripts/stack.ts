// npm run stack:<name> [-- test|up|check|down] [--keep] [--json] [--project NAME] [--with SIDECAR] [--only N,M] [--all]
//   test (default): build, up --wait, run the stack's checks, tear down (unless --keep).
//   up: leave the stack running and print its endpoints (--json: one JSON object on stdout).
//   check: run the stack's checks against the run `up` left (the newest, or --project NAME), which stays up;
//     --only N,M: just those checks (numbered as in a test run); --all: also those that destroy or start things.
//     --json: each check's result as one JSON line on stdout as it ends, the text on stderr.
//     Exit 0: all passed (skipped ones fail nothing); 1: one failed; 2: bad input or no run up (one line).
//   down: remove what `up` left (every run of this stack, or just --project NAME).
//   --with SIDECAR (repeatable): attach an attachable sidecar (e.g. topz) to the stack's pod, for test or up.
import { parseArgs } from 'node:util';
import { attachableNames } from './lib/attach-spec.js';
import { downStack, testStack, upStack } from './lib/lifecycle.js';
import type { CheckResult } from './lib/check.js';
import { BadInput, checkStack, resultLine } from './lib/stack-check.js';
import { stackNames } from './lib/scenarios.js';
import { startedAsCli } from './lib/cli/invocation.js';

const usage = `usage: ${startedAsCli() ? 'sidecar-lab stack <name>' : 'npm run stack:<name> --'} [test|up|check|down] [--keep] [--json] [--project NAME] [--with SIDECAR] [--only N,M] [--all]\nstacks: ${stackNames().join(', ')}; attachable sidecars: ${attachableNames().join(', ')}`;

function parse() {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        with: { type: 'string', multiple: true, default: [] },
        keep: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        project: { type: 'string' },
        only: { type: 'string' },
        all: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    // One line: node's message, up to its first full stop (the rest explains positionals after --).
    console.error(`${(e as Error).message.split('. ')[0]} (see --help)`);
    process.exit(2);
  }
}
const { values, positionals } = parse();
const [stack, action = 'test'] = positionals;
if (values.help || !stack) {
  console.log(usage);
  process.exit(stack || values.help ? 0 : 2);
}
if (action !== 'check' && (values.only !== undefined || values.all)) {
  console.error(`--only and --all are options of check, not of ${action}`);
  process.exit(2);
}

try {
  if (action === 'test') {
    const results = await testStack(stack, { keep: values.keep, with: values.with });
    process.exitCode = results.length > 0 && results.every((r) => r.ok) ? 0 : 1;
  } else if (action === 'check') {
    // --json: each check's result as one JSON line on stdout as it ends (the lab streams them); the text goes to stderr.
    if (values.json) console.log = console.error;
    const onResult = values.json ? (r: CheckResult, n: number) => process.stdout.write(`${resultLine(r, n)}\n`) : undefined;
    const results = await checkStack(stack, { only: values.only, all: values.all, project: values.project, onResult });
    process.exitCode = results.every((r) => r.ok) ? 0 : 1;
  } else if (action === 'up') {
    const log = console.log;
    if (values.json) console.log = console.error; // keep stdout for the one JSON object
    const out = await upStack(stack, { with: values.with });
    console.log = log;
    if (values.json) process.stdout.write(`${JSON.stringify(out)}\n`);
    else {
      console.log(`\n${stack} is up as project ${out.project}`);
      for (const [k, v] of Object.entries(out.urls)) console.log(`  ${k.padEnd(8)} ${v}`);
      for (const [k, v] of Object.entries(out.files ?? {})) console.log(`  ${k.padEnd(8)} ${v}`);
      for (const h of out.hints ?? []) console.log(`  try: ${h}`);
      console.log(`check it with: npm run stack:${stack} -- check`);
      console.log(`remove it with: npm run stack:${stack} -- down`);
    }
  } else if (action === 'down') {
    const removed = await downStack(stack, values.project);
    console.log(removed.length ? `removed ${removed.join(', ')}` : `no running ${stack} stack was left by 'up'`);
  } else {
    console.error(`unknown action "${action}"\n${usage}`);
    process.exitCode = 2;
  }
} catch (e) {
  console.error(`${e instanceof BadInput ? '' : '✘ '}${(e as Error).message}`);
  process.exitCode = e instanceof BadInput ? 2 : 1;
}
