// verify's command line: one Compose FILE and the options that shape its run. A usage error is one line
// and exit 2, before anything starts.
import { parseArgs } from 'node:util';
import { BadInput } from './plan.js';

export interface Options {
  file: string;
  services: string[];
  envFile?: string;
  set: Record<string, string>;
  reporter: 'text' | 'junit';
  output?: string;
  keep: boolean;
  allowPrivileged: boolean;
}

export const usage = (command: string) =>
  `usage: ${command} FILE [--service NAME...] [--env-file F] [--set VAR=VALUE...] [--reporter text|junit] [--output F] [--keep] [--allow-privileged]`;

const spec = (argv: string[]) =>
  parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      service: { type: 'string', multiple: true, default: [] },
      'env-file': { type: 'string' },
      set: { type: 'string', multiple: true, default: [] },
      reporter: { type: 'string', default: 'text' },
      output: { type: 'string' },
      keep: { type: 'boolean', default: false },
      'allow-privileged': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });

/** The options, or undefined for --help; throws BadInput on a usage error. */
export function parseVerifyArgs(argv: string[]): Options | undefined {
  let parsed: ReturnType<typeof spec>;
  try {
    parsed = spec(argv);
  } catch (e) {
    throw new BadInput((e as Error).message.split('\n')[0]!);
  }
  const { values: v, positionals } = parsed;
  if (v.help) return undefined;
  if (positionals.length !== 1) throw new BadInput(`give exactly one compose FILE (got ${positionals.length})`);
  if (v.reporter !== 'text' && v.reporter !== 'junit') throw new BadInput(`--reporter ${v.reporter}: must be text or junit`);
  const set: Record<string, string> = {};
  for (const s of v.set) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=([\s\S]*)$/.exec(s);
    if (!m) throw new BadInput(`--set ${JSON.stringify(s)}: must be VAR=VALUE, with VAR a variable name`);
    set[m[1]!] = m[2]!;
  }
  return {
    file: positionals[0]!,
    services: v.service,
    envFile: v['env-file'],
    set,
    reporter: v.reporter,
    output: v.output,
    keep: v.keep,
    allowPrivileged: v['allow-privileged'],
  };
}
