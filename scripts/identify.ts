// npm run identify -- PATH... (or sidecar-lab identify PATH...) [--json] [--strict]
//   Reads Compose files and Kubernetes manifests under PATH (never runs or fetches anything) and says, for
//   every container, whether it is an app, a sidecar, a native sidecar, an init container, an ambassador,
//   an adapter, a pause container or a standalone service; how it can tell; and what is wrong with the
//   set-up (docs/identify.md). Exit 0; 2 for a usage error; 1 with --strict when a finding is an error.
import { parseArgs } from 'node:util';
import { renderText, toJson } from './lib/identify/render.js';
import { identify, missingPaths } from './lib/identify/run.js';
import { commandName, userCwd } from './lib/cli/invocation.js';

const USAGE = `usage: ${commandName('identify')} PATH... [--json] [--strict]`;

function main(argv: string[]): number {
  let parsed: ReturnType<typeof parse>;
  const parse = () =>
    parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        strict: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
    });
  try {
    parsed = parse();
  } catch (e) {
    process.stderr.write(`identify: ${(e as Error).message.split('\n')[0]}\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!positionals.length) {
    process.stderr.write(`identify: give at least one PATH\n${USAGE}\n`);
    return 2;
  }
  const cwd = userCwd('identify');
  const missing = missingPaths(positionals, cwd);
  if (missing.length) {
    process.stderr.write(`identify: no such file or directory: ${JSON.stringify(missing[0])}\n${USAGE}\n`);
    return 2;
  }
  const report = identify(positionals, cwd);
  process.stdout.write(values.json ? `${JSON.stringify(toJson(report), null, 2)}\n` : renderText(report));
  return values.strict && report.findings.some((f) => f.severity === 'error') ? 1 : 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`identify: internal error: ${String((e as Error).message ?? e).split('\n')[0]}\n`);
  process.exitCode = 1;
}
