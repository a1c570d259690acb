#!/usr/bin/env node
// sidecar-lab <command> [ARGS...]: the installed command (package.json "bin"). Each command runs the entry
// file its npm script runs (scripts/lib/cli/commands.ts), with ARGS as its arguments.
import { dispatch } from './lib/cli/commands.js';
import { startedByCli } from './lib/cli/invocation.js';

const d = dispatch(process.argv.slice(2));
if ('run' in d) {
  startedByCli();
  process.argv = [process.argv[0]!, process.argv[1]!, ...d.args];
  await import(d.run.entry);
} else {
  if (d.out) process.stdout.write(d.out);
  if (d.err) process.stderr.write(d.err);
  process.exitCode = d.exit;
}
