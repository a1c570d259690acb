// The lab's command line: --port N (0, the default, for a free one) and --project NAME (repeatable).
// There is no option to bind anything but 127.0.0.1. Bad input is one line naming the flag and the rule.
import { parseArgs } from 'node:util';
import { PROJECT_NAME } from './ours.js';

export interface LabArgs {
  port: number;
  projects: string[];
}

/** V8 flags of the lab's Node process (`npm run lab` passes them; so do its tests and bench:lab). A young
 * generation of 1 MB semi-spaces, not V8's default of up to 16 MB: the server's garbage is short-lived (a read
 * of the pods, an answer), and a larger young generation only keeps more of it resident; a heap that V8 keeps
 * small, growing it less and shrinking it sooner when idle; and no optimizing compiler (its code and the pages
 * of Node's binary it runs from: 4-6 MB), the server's work being I/O, JSON and a few regular expressions,
 * which it still compiles (bench:lab). */
export const NODE_FLAGS = ['--max-semi-space-size=1', '--optimize-for-size', '--no-opt'];

export const usage = (name: string) => `usage: ${name} [--port N] [--project NAME...]`;

/** The options, or undefined for --help; throws an Error whose message is the one line to print. */
export function parseLabArgs(argv: string[]): LabArgs | undefined {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { port: { type: 'string' }, project: { type: 'string', multiple: true }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) return undefined;
  // `--project a b` reads as two projects, as the usage line shows.
  const projects = [...(values.project ?? []), ...(values.project ? positionals : [])];
  if (positionals.length && !values.project) throw new Error(`unexpected argument ${JSON.stringify(positionals[0])}`);
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!/^\d{1,5}$/.test(values.port ?? '0') || port > 65535) throw new Error('--port must be an integer from 0 to 65535 (0: a free port)');
  const bad = projects.find((p) => !PROJECT_NAME.test(p));
  if (bad !== undefined)
    throw new Error(`--project ${JSON.stringify(bad)} is not a Compose project name (lower-case letters, digits, - and _)`);
  return { port, projects };
}
