// What exercises start beside a learner's run, found and removed: a second run of the stack (another compose file,
// a sidecar attached with --with), told apart by its record (run.json).
import { $ } from 'zx';
import { isUp } from '../current-run.js';
import { downStack } from '../lifecycle.js';
import { listRuns, projectOf, type RunRecord } from '../run-state.js';
import { type Exercise, fail, pass } from './types.js';

/** The running runs of a stack that `choose` picks, newest first. */
export async function runsUp(stack: string, choose: (r: RunRecord) => boolean): Promise<RunRecord[]> {
  const up: RunRecord[] = [];
  for (const r of listRuns(stack).filter(choose)) if (await isUp(r.project)) up.push(r);
  return up;
}

/** A run with topz attached by `up --with topz`: its own compose.yaml and an override. */
const withTopz = (r: RunRecord) => r.files[0] === 'compose.yaml' && Boolean(r.attached?.topz);

/** Removes the runs of a stack that an exercise started. Killed first: a layout with no init to pass SIGTERM on
 * would make a plain down wait out its 10 s stop timeout. */
export const removeRuns = (stack: string, choose: (r: RunRecord) => boolean) => async () => {
  for (const r of listRuns(stack).filter(choose)) {
    const ids = (await $`docker ps -q --filter ${`label=com.docker.compose.project=${r.project}`}`.quiet()).stdout
      .split('\n')
      .filter(Boolean);
    if (ids.length) await $`docker kill ${ids}`.quiet().nothrow();
    await downStack(stack, r.project);
  }
};

/** The exercise every lesson with a pod can have: start the stack again with topz attached by `up --with topz`
 * (no file edited), and find the pod's processes in its table. `processes` names them; `beside` what topz joins. */
export function attachTopz(stack: string, { title, processes, beside }: { title: string; processes: string; beside: string }): Exercise {
  const cmd = `npm run stack:${stack} -- up --with topz`;
  return {
    title,
    text: `Start the stack again with topz attached to its pod (see stacks/topz), and find the pod's processes in its
table: ${processes}.

\`\`\`sh
${cmd}
\`\`\``,
    hints: [
      '--with adds a generated override to the run: compose.yaml is not edited.',
      `\`npm run stack:${stack} -- urls\` prints topz’s address and token.`,
    ],
    solution: { commands: [cmd] },
    startsRun: true,
    restore: removeRuns(stack, withTopz),
    async check() {
      const [run] = await runsUp(stack, withTopz);
      if (!run) return fail(`no run of ${stack} has topz attached: ${cmd}`);
      const state = (await $`docker inspect --format ${'{{.State.Status}}'} ${await projectOf(run).id('topz')}`.quiet()).stdout.trim();
      if (state !== 'running') return fail(`topz is attached to ${run.project} but ${state}`);
      return pass(`topz runs in the pod of ${run.project}, beside ${beside}`);
    },
  };
}
