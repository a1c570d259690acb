// verify's checks inside a stack's own scenario run, on the project its `up` started: each stack's compose
// file is verified with no second `up`. The down-order check comes last, because it takes the project down.
import type { Check } from '../check.js';
import { note } from '../check.js';
import { whyUnsettled } from '../settled.js';
import type { StackContext } from '../stack-types.js';
import { appStopsFirst } from './checks-down.js';
import { onlyPublishedPorts } from './checks-net.js';
import { healthyFirst, sharedNamespaces, sidecarCrash } from './checks-pod.js';
import { idsOf, type VerifyContext } from './context.js';
import { readGroups } from './groups.js';
import type { ComposeConfig } from './plan.js';
import { type Probe, startProbe, stopProbe } from './probe.js';

const contexts = new WeakMap<StackContext, Promise<VerifyContext>>();

async function contextOf(ctx: StackContext): Promise<VerifyContext> {
  // The stack's own checks are done: the projects they added (a container in the pod's namespaces, another
  // stack) go, and what they stopped for good (a drain) is started again, so verify sees the stack as it is.
  // A run that `up` left (the check verb) is taken as it stands: the verb itself restores after a marked check.
  // `up` runs only when the engine says the project is not as it left it.
  const config = await ctx.project.config<ComposeConfig>();
  if (!ctx.standing) {
    await ctx.endSideProjects();
    const why = await whyUnsettled(ctx.project, config.services);
    if (why) {
      note(`up again first: ${why}`);
      await ctx.project.up();
    }
  }
  const { groups, findings } = readGroups(config, ctx.state);
  for (const f of findings) note(`⚠ ${f.rule}${f.container ? ` (${f.container})` : ''}: ${f.message}`);
  let probe: Probe | undefined;
  return {
    project: ctx.project,
    config,
    groups,
    id: idsOf(ctx.project),
    events: ctx.events,
    warn: (text) => note(`⚠ ${text}`),
    probe: async (network) => (probe ??= await startProbe(network, ctx.project.name)),
    release: async () => {
      await stopProbe(probe);
      probe = undefined;
    },
  };
}

/** The name a verify check has in a stack's run (a scenario's `heavy` list names it so). */
export const inStackName = (c: Pick<Check<VerifyContext>, 'name'>) => `verify: ${c.name}`;

/** verify's check as a check of the stack's run, with its marks (the probe it may start goes when it ends). */
const viaStack = (c: Check<VerifyContext>): Check<StackContext> => ({
  name: inStackName(c),
  ...(c.effect ? { effect: c.effect } : {}),
  ...(c.needs ? { needs: c.needs } : {}),
  async run(ctx) {
    let p = contexts.get(ctx);
    if (!p) contexts.set(ctx, (p = contextOf(ctx)));
    const v = await p;
    try {
      await c.run(v);
    } finally {
      await v.release();
    }
  },
});

/** The checks `npm run verify` runs, for a stack's scenario run to append to its own. */
export const verifyChecks = (): Check<StackContext>[] => [
  viaStack(sharedNamespaces),
  viaStack(healthyFirst),
  viaStack(sidecarCrash),
  viaStack(onlyPublishedPorts),
  viaStack(appStopsFirst(false)),
];
