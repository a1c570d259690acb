// npm run stack:<name> [-- test|up|down] [--keep] [--json] [--project NAME] [--with SIDECAR]
//   test (default): build, up --wait, run the stack's checks, tear down (unless --keep).
//   up: leave the stack running and print its endpoints (--json: one JSON object on stdout).
//   down: remove what `up` left (every run of this stack, or just --project NAME).
//   --with SIDECAR (repeatable): attach an attachable sidecar (e.g. topz) to the stack's pod, for test or up.
import { parseArgs } from 'node:util';
import { attachableNames } from './lib/attach-spec.js';
import { downStack, testStack, upStack } from './lib/lifecycle.js';
import { stackNames } from './lib/scenarios.js';
import { startedAsCli } from './lib/cli/invocation.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    with: { type: 'string', multiple: true, default: [] },
    keep: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    project: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
const [stack, action = 'test'] = positionals;
const usage = `usage: ${startedAsCli() ? 'sidecar-lab stack <name>' : 'npm run stack:<name> --'} [test|up|down] [--keep] [--json] [--project NAME] [--with SIDECAR]\nstacks: ${stackNames().join(', ')}; attachable sidecars: ${attachableNames().join(', ')}`;
if (values.help || !stack) {
  console.log(usage);
  process.exit(stack || values.help ? 0 : 2);
}

try {
  if (action === 'test') {
    const results = await testStack(stack, { keep: values.keep, with: values.with });
    process.exitCode = results.length > 0 && results.every((r) => r.ok) ? 0 : 1;
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
  console.error(`✘ ${(e as Error).message}`);
  process.exitCode = 1;
}
