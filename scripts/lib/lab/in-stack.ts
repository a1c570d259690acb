// The lab's check inside every stack's scenario run: the picture `GET /api/stacks` and the Processes view
// would give of this run's project, read with the lab's own code from the engine and /proc, holds what the
// compose file declares. So each lesson's pods are known to show in the lab, on every stack, in CI.
import { $ } from 'zx';
import { CheckFailure, type Check, expect, note, Skipped } from '../check.js';
import type { StackContext } from '../stack-types.js';
import { socketEngine } from './engine.js';
import { sharing } from './page/lines.js';
import { podProcesses } from './processes.js';
import { rolesFromIdentify } from './roles.js';
import { readStacks } from './stacks.js';
import { namespaceAccess } from '../verify/probe.js';

export const labPicture: Check<StackContext> = {
  name: 'lab: the Pods and Processes views show every container of the run in its pod, sharing the namespaces it declares, with a role',
  async run(ctx) {
    if (process.getuid?.() !== 0) throw new Skipped('the lab reads namespaces in /proc, which needs root');
    const stacks = await readStacks(socketEngine(), (p) => p === ctx.project.name, rolesFromIdentify());
    const stack = stacks.find((s) => s.project === ctx.project.name);
    if (!stack)
      throw new CheckFailure(
        `the lab's picture of ${ctx.project.name}`,
        'the project',
        stacks.map((s) => s.project),
      );
    // The lab reads namespaces and processes from the runner's /proc: where the engine runs in a VM of its own
    // (Docker Desktop), that /proc holds none of its containers, and the lab has nothing to show.
    const owner = stack.pods.find((p) => p.owner && p.containers[0]?.pid)?.containers[0];
    const denied = owner ? namespaceAccess(owner.pid, owner.id) : undefined;
    if (denied) throw new Skipped(`the lab reads namespaces and processes from /proc: ${denied}`);
    const running = (
      await $`docker ps --filter ${`label=com.docker.compose.project=${ctx.project.name}`} --format ${'{{.Names}}'}`.quiet()
    ).stdout
      .split('\n')
      .filter(Boolean)
      .sort();
    const shown = stack.pods.flatMap((p) => p.containers.filter((c) => c.state === 'running').map((c) => c.name)).sort();
    expect.equal(shown, running, 'the running containers the lab shows');
    for (const pod of stack.pods.filter((p) => p.owner)) {
      for (const c of pod.containers.slice(1))
        for (const kind of ['net', 'pid'] as const)
          if (c.namespaces[kind].declared === `service:${pod.name}` && c.state === 'running')
            expect.equal(sharing(pod, c, kind), 'shared', `${c.service}'s ${kind} namespace in the lab (declared service:${pod.name})`);
      const unknown = pod.containers.filter((c) => c.role === null).map((c) => c.service);
      expect.equal(unknown, [], `members of pod ${pod.name} whose role the lab does not know`);
      const owner = pod.containers[0]!;
      if (owner.pid && pod.containers.some((c) => c.namespaces.pid.declared === `service:${pod.name}`)) {
        const procs = podProcesses(owner.pid);
        const members = pod.containers.filter((c) => c.state === 'running' && c.namespaces.pid.declared === `service:${pod.name}`);
        expect.ok(
          procs.processes.length > members.length,
          `the processes the lab reads in pod ${pod.name}'s PID namespace`,
          `more than its ${members.length} joining member(s): each member's and the pause process`,
          procs.processes.map((p) => p.name),
        );
      }
      note(`${pod.name}: ${pod.containers.map((c) => `${c.service} (${c.role})`).join(', ')}`);
    }
  },
};
