// npm run stack:<name> [-- test|up|check|down|urls|apply|exec|logs|ps|restart|stop|start|kill] [options]
//   test (default): build, up --wait, run the stack's checks, tear down (unless --keep).
//     --break NAME: a break-it exercise (stacks/<name>/breaks.ts) as an inverted check: up with the break applied,
//     only the check it names, down; exit 0 when that check fails as declared ("broke as expected: …"), 1 when
//     it still passes, 2 for a name the stack does not declare (the line lists its breaks).
//     --room: the workshop room's profile: only the core checks (the heavy ones are named as skipped), and the
//     whole run within 90 s (scripts/lib/room.ts).
//   up: leave the stack running and print its endpoints (--json: one JSON object on stdout).
//     --file F: run another compose file of the stack (e.g. compose.naive.yaml) instead of its own, prepared and
//     versioned as the stack is; the verbs below find that run by --file F.
//   check: run the stack's checks against the run `up` left (the newest, or --project NAME), which stays up;
//     --only N,M: just those checks (numbered as in a test run); --all: also those that destroy or start things.
//     --json: each check's result as one JSON line on stdout as it ends, the text on stderr.
//     Exit 0: all passed (skipped ones fail nothing); 1: one failed; 2: bad input or no run up (one line).
//   urls [NAME]: the run's URLs and files (a CA, a token), as `up` printed them; NAME: that value alone;
//     --env: as `export NAME='value'` lines, for eval "$(npm run -s stack:<name> -- urls --env)".
//   apply: apply the stack's edited files to the run: build what changed, re-create what changed.
//   exec|logs|ps|restart|stop|start|kill [--project NAME | --file F] ARGS...: docker compose VERB ARGS on the run.
//   down: remove what `up` left (every run of this stack, or just --project NAME).
//   --with SIDECAR (repeatable): attach an attachable sidecar (e.g. topz) to the stack's pod, for test or up.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { attachableNames } from './lib/attach-spec.js';
import { ROOT } from './lib/config.js';
import { BadInput, type RunChoice } from './lib/current-run.js';
import { downStack, testStack, upStack } from './lib/lifecycle.js';
import type { CheckResult } from './lib/check.js';
import { applyRun, COMPOSE_VERBS, composeVerb, describeRun, urlLines } from './lib/run-verbs.js';
import { checkStack, resultLine } from './lib/stack-check.js';
import { runBreak } from './lib/exercise/breaks.js';
import { stackNames } from './lib/scenarios.js';
import { startedAsCli } from './lib/cli/invocation.js';

const usage = `usage: ${startedAsCli() ? 'sidecar-lab stack <name>' : 'npm run stack:<name> --'} [test|up|check|urls|apply|down] [--keep] [--room] [--json] [--project NAME] [--file F] [--with SIDECAR] [--only N,M] [--all] [--env]
       ${startedAsCli() ? 'sidecar-lab stack <name>' : 'npm run stack:<name> --'} exec|logs|ps|restart|stop|start|kill [--project NAME | --file F] ARGS...   (docker compose VERB ARGS on the run up left)
stacks: ${stackNames().join(', ')}; attachable sidecars: ${attachableNames().join(', ')}`;

const fail = (message: string): never => {
  throw new BadInput(message);
};

/** The run a verb acts on, from --project or --file (a file of the stack's folder). */
function choice(stack: string, project?: string, file?: string): RunChoice {
  if (project && file) fail('give --project or --file, not both');
  if (file && (!/^compose[\w.-]*\.ya?ml$/.test(file) || !existsSync(join(ROOT, 'stacks', stack, file))))
    fail(`--file ${file}: no such compose file in stacks/${stack}/ (give its name, e.g. compose.naive.yaml)`);
  return { project, file };
}

/** exec|logs|ps|restart|stop|start|kill: the options before the first other word choose the run; the rest goes to Compose. */
async function passThrough(stack: string, verb: string, rest: string[]): Promise<number> {
  const picked: Record<string, string> = {};
  while (rest[0] === '--project' || rest[0] === '--file') {
    const [flag, value] = rest.splice(0, 2) as [string, string | undefined];
    if (!value) fail(`${flag} needs a value`);
    picked[flag.slice(2)] = value!;
  }
  if (verb === 'exec' && !rest.length) fail(`exec needs a service and a command, e.g. npm run stack:${stack} -- exec app sh`);
  return composeVerb(stack, verb, rest, choice(stack, picked.project, picked.file));
}

function parse() {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        with: { type: 'string', multiple: true, default: [] },
        keep: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        project: { type: 'string' },
        file: { type: 'string' },
        only: { type: 'string' },
        all: { type: 'boolean', default: false },
        room: { type: 'boolean', default: false },
        env: { type: 'boolean', default: false },
        break: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    // One line: node's message, up to its first full stop (the rest explains positionals after --).
    console.error(`${(e as Error).message.split('. ')[0]} (see --help)`);
    process.exit(2);
  }
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  if ((COMPOSE_VERBS as readonly string[]).includes(argv[1] ?? '')) return passThrough(argv[0]!, argv[1]!, argv.slice(2));
  const { values, positionals } = parse();
  const [stack, action = 'test', ...more] = positionals;
  if (values.help || !stack) {
    console.log(usage);
    return stack || values.help ? 0 : 2;
  }
  if (action !== 'check' && (values.only !== undefined || values.all)) fail(`--only and --all are options of check, not of ${action}`);
  if (action !== 'urls' && values.env) fail(`--env is an option of urls, not of ${action}`);
  if (action !== 'test' && values.room) fail(`--room is an option of test, not of ${action}`);
  if (more.length && action !== 'urls') fail(`${action} takes no more words (got ${more.join(' ')})`);
  if (values.break !== undefined && action !== 'test') fail(`--break is an option of test, not of ${action}`);
  if (values.break !== undefined && (values.keep || values.with.length || values.project || values.file))
    fail('--break runs one check on a run of its own: no --keep, --with, --project or --file');
  const run = choice(stack, values.project, values.file);
  if (values.break !== undefined) return runBreak(stack, values.break);
  if (action === 'test') {
    const results = await testStack(stack, { keep: values.keep, with: values.with, room: values.room });
    return results.length > 0 && results.every((r) => r.ok) ? 0 : 1;
  }
  if (action === 'check') {
    // --json: each check's result as one JSON line on stdout as it ends (the lab streams them); the text goes to stderr.
    if (values.json) console.log = console.error;
    const onResult = values.json ? (r: CheckResult, n: number) => process.stdout.write(`${resultLine(r, n)}\n`) : undefined;
    const results = await checkStack(stack, { only: values.only, all: values.all, project: values.project, onResult });
    return results.every((r) => r.ok) ? 0 : 1;
  }
  if (action === 'urls') {
    const d = await describeRun(stack, run);
    const all: Record<string, string> = { ...d.urls, ...(d.files ?? {}) };
    if (more.length) {
      const missing = more.filter((n) => !(n in all));
      if (missing.length) fail(`urls: no ${missing.join(', ')} in this run (it has ${Object.keys(all).join(', ')})`);
      for (const n of more) console.log(all[n]);
    } else for (const l of urlLines(d, values.env)) console.log(l);
    return 0;
  }
  if (action === 'apply') {
    console.log(`applied the files of stacks/${stack}/ to ${await applyRun(stack, run)}`);
    return 0;
  }
  if (action === 'up') {
    const log = console.log;
    if (values.json) console.log = console.error; // keep stdout for the one JSON object
    const out = await upStack(stack, { with: values.with, file: values.file });
    console.log = log;
    if (values.json) process.stdout.write(`${JSON.stringify(out)}\n`);
    else {
      const from = values.file ? ` from ${values.file} (the verbs find it with --file ${values.file})` : '';
      console.log(`\n${stack} is up as project ${out.project}${from}`);
      for (const [k, v] of Object.entries(out.urls)) console.log(`  ${k.padEnd(8)} ${v}`);
      for (const [k, v] of Object.entries(out.files ?? {})) console.log(`  ${k.padEnd(8)} ${v}`);
      for (const h of out.hints ?? []) console.log(`  try: ${h}`);
      console.log(`see this again with: npm run stack:${stack} -- urls (a shell in a service: -- exec SERVICE sh)`);
      console.log(`check it with: npm run stack:${stack} -- check`);
      console.log(`remove it with: npm run stack:${stack} -- down`);
    }
    return 0;
  }
  if (action === 'down') {
    const removed = await downStack(stack, values.project);
    console.log(removed.length ? `removed ${removed.join(', ')}` : `no running ${stack} stack was left by 'up'`);
    return 0;
  }
  console.error(`unknown action "${action}"\n${usage}`);
  return 2;
}

try {
  process.exitCode = await main();
} catch (e) {
  console.error(`${e instanceof BadInput ? '' : '✘ '}${(e as Error).message}`);
  process.exitCode = e instanceof BadInput ? 2 : 1;
}
