// verify's port check: from another container on the pod's network, only the ports the group publishes
// (ports: or expose:) answer. A port the app opens on every interface behind a proxy sidecar is a way
// around the sidecar, and this check fails on it with the fix.
import { CheckFailure, note, Skipped, type Check } from '../check.js';
import type { VerifyContext } from './context.js';
import { FRONTS, type PodGroup } from './groups.js';
import { inspectContainer, listeners, processesOf, socketsOf } from './host.js';
import { namespaceAccess } from './probe.js';

const LOOPBACK = /^(127\.|::1$)/;

/** The container ports a group says other containers may reach. */
function declared(ctx: VerifyContext, g: PodGroup): Set<number> {
  const ports = new Set<number>();
  for (const m of g.members) {
    const s = ctx.config.services[m];
    for (const p of s?.ports ?? []) if ((p.protocol ?? 'tcp') === 'tcp') ports.add(Number(p.target));
    for (const e of s?.expose ?? []) {
      const m = /^(\d+)(?:-(\d+))?(?:\/tcp)?$/.exec(String(e));
      if (m) for (let p = Number(m[1]); p <= Number(m[2] ?? m[1]); p++) ports.add(p);
    }
  }
  return ports;
}

/** Which member's processes hold each socket inode. */
async function owners(ctx: VerifyContext, g: PodGroup): Promise<Map<string, string>> {
  const byInode = new Map<string, string>();
  for (const m of g.members) {
    const c = await inspectContainer(await ctx.id(m));
    if (!c.running) continue; // an init container that has done its work
    for (const pid of await processesOf(c.id)) for (const inode of socketsOf(pid)) byInode.set(inode, m);
  }
  return byInode;
}

export const onlyPublishedPorts: Check<VerifyContext> = {
  name: 'only the ports each pod publishes answer, from another container on the same network',
  effect: 'starts',
  async run(ctx) {
    const problems: string[] = [];
    let tried = 0;
    for (const g of ctx.groups.filter((x) => x.owner)) {
      const pod = await inspectContainer(await ctx.id(g.owner!));
      const denied = namespaceAccess(pod.pid, pod.id);
      if (denied) throw new Skipped(denied);
      const [network, address] = Object.entries(pod.networks)[0] ?? [];
      if (!network || !address) {
        note(`${g.owner}: on no network (network_mode: none?): nothing can reach it`);
        continue;
      }
      const open = listeners(pod.pid).filter((l) => !LOOPBACK.test(l.address));
      const ports = [...new Set(open.map((l) => l.port))];
      const probe = await ctx.probe(network);
      const answered = await probe.reach(ports.map((p) => `${address}:${p}`));
      const allowed = declared(ctx, g);
      const who = await owners(ctx, g);
      tried += ports.length;
      for (const port of ports) {
        if (!answered[`${address}:${port}`] || allowed.has(port)) continue;
        const member = open.filter((l) => l.port === port).map((l) => who.get(l.inode))[0];
        if (!member) {
          problems.push(
            `other containers reach port ${port} of ${g.owner}, held by no member of ${g.name}: a container outside the file's group shares its network namespace`,
          );
          continue;
        }
        const front = g.sidecars.find((s) => FRONTS.has(g.roles[s]!));
        problems.push(
          g.apps.includes(member) && front
            ? `other containers reach ${member}:${port} around ${front}; bind the app to 127.0.0.1`
            : `other containers reach ${member}:${port}, which ${g.owner} neither publishes nor exposes (declare it with expose:, or bind it to 127.0.0.1)`,
        );
      }
      for (const port of allowed)
        if (ports.includes(port) && !answered[`${address}:${port}`])
          problems.push(`${g.owner} publishes ${port}, but it does not answer from another container`);
      note(
        `${g.owner} (${address} on ${network}): ${ports.length} ports listen beyond loopback, ${ports.filter((p) => answered[`${address}:${p}`]).length} answer; declared: ${[...allowed].sort((a, b) => a - b).join(', ') || 'none'}`,
      );
    }
    if (!ctx.groups.some((x) => x.owner)) throw new Skipped('no group shares a network namespace');
    if (problems.length)
      throw new CheckFailure(problems[0]!, `answers only on the declared ports (${tried} listening ports tried)`, problems.join('\n'));
  },
};
