// Each published port's path through its pod, from facts read on the host: the member whose process holds
// the socket listening on the container port (net/tcp and tcp6 of the pod's namespace, socket inodes in
// /proc/<pid>/fd, the process's container: owners.ts), where that member forwards (the parameters its image
// declares: declared.ts), and the member listening there. A link that cannot be read is said, with why.
import type { Inspect } from './engine.js';
import { declaresParams, forwardOf } from './declared.js';
import { type Member, memberOf, netnsIndex, socketHolders } from './owners.js';
import { type Listener, offLoopback, onLoopback, readListeners } from './sockets.js';

export interface PortPath {
  /** The service whose process listens on the container port. */
  listener?: string;
  /** Where the listener forwards, and the service listening there when it is in the pod. */
  upstream?: { address: string; service?: string };
  /** Why the path stops short: the first link that could not be known. */
  unknown?: string;
}

type Found = { member: Member; inspect: Inspect } | { unknown: string };

const LOOPBACK = /^(127\.|localhost$|::1$|\[::1\]$)/;

/** The paths of one pod's published ports, given its containers (owner first) and each one's service and pattern;
 * `inNs`, the host's processes by network namespace, is shared by the pods of one read. */
export function podPaths(
  pod: Inspect[],
  serviceOf: (c: Inspect) => string,
  patternOf: (service: string) => string | null,
  procRoot = '/proc',
  inNs = netnsIndex(procRoot),
): (containerPort: string) => PortPath {
  const running = pod.find((c) => c.State.Running && c.State.Pid);
  if (!running) return () => ({ unknown: 'no member of the pod is running' });
  const members: Member[] = pod.map((c) => ({ id: c.Id, pid: c.State.Running ? c.State.Pid : 0, service: serviceOf(c) }));
  let read: { listeners: Listener[]; holders: Map<string, number[]> } | { error: string } | undefined;
  const facts = () => {
    if (read) return read;
    const listeners = readListeners(procRoot, running.State.Pid);
    const holders = 'error' in listeners ? listeners : socketHolders(procRoot, running.State.Pid, inNs);
    read = 'error' in listeners ? listeners : 'error' in holders ? holders : { listeners, holders };
    return read;
  };

  /** The member listening on `port` at an address `reach` accepts. */
  const listening = (port: number, reach: (l: Listener) => boolean, where: string): Found => {
    const f = facts();
    if ('error' in f) return { unknown: f.error };
    const sockets = f.listeners.filter((l) => l.port === port && reach(l));
    if (!sockets.length) {
      const other = f.listeners.find((l) => l.port === port);
      return { unknown: other ? `only ${other.address}:${port} listens, not ${where}` : `nothing in the pod listens on ${where}` };
    }
    const pids = sockets.flatMap((s) => f.holders.get(s.inode) ?? []);
    for (const pid of pids) {
      const member = memberOf(procRoot, pid, members);
      if (member) return { member, inspect: pod.find((c) => c.Id === member.id)! };
    }
    return {
      unknown: pids.length
        ? `pid ${pids[0]} listens on ${where}, and belongs to no member of the pod`
        : `no process the lab can see holds the socket listening on ${where}`,
    };
  };

  return (containerPort) => {
    const [port, proto] = containerPort.split('/');
    if (proto !== 'tcp') return { unknown: `only TCP ports are traced (${containerPort})` };
    const l = listening(Number(port), offLoopback, `:${port}`);
    if ('unknown' in l) return l;
    const out: PortPath = { listener: l.member.service };
    const fwd = forwardOf(l.inspect, Number(port));
    if (!fwd) {
      const pattern = patternOf(l.member.service);
      if (declaresParams(l.inspect) || pattern === 'app' || pattern === 'standalone') return out;
      return { ...out, unknown: `${l.member.service}'s image declares no parameters: where it forwards, if anywhere, is not known` };
    }
    const address = `${fwd.host.includes(':') ? `[${fwd.host}]` : fwd.host}:${fwd.port}`;
    if (!LOOPBACK.test(fwd.host))
      return { ...out, upstream: { address }, unknown: `${address} (${fwd.from}) is not in the pod: not followed` };
    const up = listening(fwd.port, onLoopback, address);
    if ('unknown' in up) return { ...out, upstream: { address }, unknown: `${up.unknown} (${l.member.service}: ${fwd.from})` };
    return { ...out, upstream: { address, service: up.member.service } };
  };
}
