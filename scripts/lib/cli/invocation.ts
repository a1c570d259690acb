// How a tool was started: as `sidecar-lab TOOL` (the installed command, scripts/cli.ts) or as `npm run TOOL`
// in a clone. The tools' usage lines and the directory a user's relative paths start from follow from it.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../config.js';

let viaCli = false;

/** Called by scripts/cli.ts before it loads a tool. */
export const startedByCli = () => {
  viaCli = true;
};

/** Whether scripts/cli.ts started this tool. */
export const startedAsCli = () => viaCli;

/** How the user typed the tool: `sidecar-lab k8s`, or `npm run k8s --` in a clone. */
export const commandName = (tool: string) => (startedAsCli() ? `sidecar-lab ${tool}` : `npm run ${tool} --`);

/** Where the user's relative paths start. Under `npm run TOOL` the cwd is the repository's root, and INIT_CWD
 * is where the user ran npm; the installed command runs where the user is. */
export const userCwd = (tool: string) =>
  !viaCli && process.env.npm_lifecycle_event === tool && process.env.INIT_CWD ? process.env.INIT_CWD : process.cwd();

/** What a clone has and an installed package does not: the sources the images build from, and the stacks' scenarios.
 * The first one missing, or undefined in a clone. */
export function missingFromClone(root = ROOT): string | undefined {
  return ['images/scratch', 'legacy-apps', 'sidecars/lib', 'stacks/https/scenario.ts'].find((p) => !existsSync(join(root, p)));
}
