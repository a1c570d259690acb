// The subcommands of the installed `sidecar-lab` command: each runs the same entry file as its npm script
// (scripts/<tool>.ts), loaded after the arguments are in place. One line each for `sidecar-lab --help`.
import { missingFromClone } from './invocation.js';

export interface Command {
  name: string;
  /** One line for the list. */
  summary: string;
  /** The entry file, relative to dist/scripts/ (cli.js imports it). */
  entry: string;
  /** Builds or runs our images: works in a clone of the repository only. */
  needsClone?: boolean;
}

export const COMMANDS: Command[] = [
  { name: 'identify', summary: 'the sidecars in Compose files and Kubernetes manifests, with findings', entry: './identify.js' },
  { name: 'verify', summary: 'bring up a compose file and check that its pods behave like pods', entry: './verify.js' },
  { name: 'inject', summary: 'make a service of a compose file a pod and add our sidecars to it', entry: './inject.js' },
  { name: 'k8s', summary: 'a stack (or a compose FILE) as Kubernetes manifests, validated offline', entry: './k8s.js' },
  { name: 'stack', summary: 'run, bring up, check or remove one of our stacks (needs a clone)', entry: './stack.js', needsClone: true },
  {
    name: 'exercise',
    summary: 'check a lesson’s exercise against your running stack; hints, solution, reset (needs a clone)',
    entry: './exercise.js',
    needsClone: true,
  },
  { name: 'images', summary: 'build our images, or --save them for docker load (needs a clone)', entry: './images.js', needsClone: true },
];

export const listing = () =>
  `usage: sidecar-lab <command> [--help] [ARGS...]\ncommands:\n${COMMANDS.map((c) => `  ${c.name.padEnd(9)} ${c.summary}`).join('\n')}\n`;

export type Dispatch = { exit: number; out?: string; err?: string } | { run: Command; args: string[] };

/** What `sidecar-lab ARGV` does: a listing, a refusal (exit 2), or the command to load with its arguments. */
export function dispatch(argv: string[], missing = missingFromClone): Dispatch {
  const [name, ...args] = argv;
  if (name === '--help' || name === '-h' || name === 'help') return { exit: 0, out: listing() };
  if (name === undefined) return { exit: 2, err: listing() };
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) return { exit: 2, err: `sidecar-lab: unknown command "${name}"\n${listing()}` };
  const absent = command.needsClone ? missing() : undefined;
  if (absent)
    return {
      exit: 2,
      err: `sidecar-lab ${name}: needs a clone of the sidecar-lab repository (it builds our images from their sources; ${absent} is not here): clone it, run npm ci, then npm run ${name}\n`,
    };
  return { run: command, args };
}
