// GET /api/stacks: our projects' containers, as stacks → pods → containers. A pod is the container
// whose network or PID namespace others join (the pause container) with those members; a container
// that joins none and is joined by none is a pod of one. Namespaces are read on the host (/proc).
import type { Engine, Inspect } from './engine.js';
import { declaredMode, type Namespace, readNamespace } from './namespaces.js';
import { netnsIndex } from './owners.js';
import { PROJECT_LABEL, SERVICE_LABEL, stackOf } from './ours.js';
import { type PortPath, podPaths } from './paths.js';
import type { RoleOf, Roles } from './roles.js';

export interface LabContainer {
  name: string;
  id: string;
  service: string;
  /** identify's role (tls-proxy, …) or pattern (app, pause, sidecar, standalone); null when unknown. */
  role: string | null;
  state: string;
  /** healthy, unhealthy, starting, or null without a health check. */
  health: string | null;
  image: string;
  pid: number;
  startedAt: string;
  namespaces: { net: Namespace; pid: Namespace };
  /** Published ports: container port → host address, and the path the port takes in the pod (paths.ts). */
  ports: ({ container: string; host: string } & PortPath)[];
  /** Volumes and bind mounts: a volume by its name, a bind mount by its host path. */
  mounts: { source: string; target: string; readOnly: boolean; kind: string }[];
}

export interface Pod {
  /** The owner's service (or the lone container's). */
  name: string;
  /** The container whose namespaces the others join, or null for a pod of one. */
  owner: string | null;
  containers: LabContainer[];
  /** Each volume or directory that more than one member mounts, with where each mounts it. */
  shared: { source: string; members: { service: string; target: string; readOnly: boolean }[] }[];
}

export interface Stack {
  project: string;
  stack: string;
  pods: Pod[];
}

export interface StacksAnswer {
  engine: 'up' | 'unreachable';
  reason?: string;
  stacks: Stack[];
}

const joined = (mode: string | undefined) => (mode?.startsWith('container:') ? mode.slice('container:'.length) : undefined);

function toContainer(
  c: Inspect,
  roles: (service: string) => RoleOf,
  serviceOfId: (id: string) => string | undefined,
  pathOf: (containerPort: string) => PortPath,
  procRoot?: string,
): LabContainer {
  const labels = c.Config.Labels ?? {};
  const service = labels[SERVICE_LABEL] ?? c.Name.replace(/^\//, '');
  const pid = c.State.Running ? c.State.Pid : 0;
  const ports = Object.entries(c.NetworkSettings.Ports ?? {}).flatMap(([container, binds]) =>
    (binds ?? []).map((b) => ({ container, host: `${b.HostIp || '0.0.0.0'}:${b.HostPort}`, ...pathOf(container) })),
  );
  return {
    name: c.Name.replace(/^\//, ''),
    id: c.Id.slice(0, 12),
    service,
    role: roles(service).role,
    state: c.State.Status,
    health: c.State.Health?.Status ?? null,
    image: c.Config.Image,
    pid,
    startedAt: c.State.StartedAt,
    namespaces: {
      net: readNamespace(pid, 'net', declaredMode(c.HostConfig.NetworkMode, serviceOfId), procRoot),
      pid: readNamespace(pid, 'pid', declaredMode(c.HostConfig.PidMode, serviceOfId), procRoot),
    },
    ports,
    mounts: (c.Mounts ?? []).map((m) => ({ source: m.Name || m.Source, target: m.Destination, readOnly: !m.RW, kind: m.Type })),
  };
}

/** The mounts of a pod that more than one member shares. */
function sharedOf(containers: LabContainer[]): Pod['shared'] {
  const by = new Map<string, Pod['shared'][number]['members']>();
  for (const c of containers)
    for (const m of c.mounts)
      by.set(m.source, [...(by.get(m.source) ?? []), { service: c.service, target: m.target, readOnly: m.readOnly }]);
  return [...by.entries()]
    .filter(([, members]) => new Set(members.map((x) => x.service)).size > 1)
    .map(([source, members]) => ({ source, members }))
    .sort((a, b) => a.source.localeCompare(b.source));
}

/** Groups one project's inspected containers into pods, owners first, members by service name. */
export function podsOf(
  all: Inspect[],
  roles: (service: string) => RoleOf,
  procRoot?: string,
  inNs = netnsIndex(procRoot ?? '/proc'),
): Pod[] {
  // Docker names the joined container by its full id; a prefix is accepted only when it is unambiguous.
  const find = (id: string) =>
    all.find((x) => x.Id === id) ??
    (all.filter((x) => x.Id.startsWith(id)).length === 1 ? all.find((x) => x.Id.startsWith(id)) : undefined);
  const serviceOfId = (id: string) => {
    const c = find(id);
    return c && (c.Config.Labels?.[SERVICE_LABEL] ?? c.Name.replace(/^\//, ''));
  };
  const ownerOf = (c: Inspect) => {
    const to = joined(c.HostConfig.NetworkMode) ?? joined(c.HostConfig.PidMode);
    return to ? find(to) : undefined;
  };
  const pods = new Map<string, { owner: Inspect; members: Inspect[] }>();
  for (const c of all) {
    const owner = ownerOf(c) ?? c;
    const pod = pods.get(owner.Id) ?? { owner, members: [] };
    if (owner !== c) pod.members.push(c);
    pods.set(owner.Id, pod);
  }
  const bySvc = (a: Inspect, b: Inspect) => (serviceOfId(a.Id) ?? '').localeCompare(serviceOfId(b.Id) ?? '');
  return [...pods.values()]
    .map(({ owner, members }) => {
      const pod = [owner, ...members.sort(bySvc)];
      const pathOf = podPaths(
        pod,
        (c) => serviceOfId(c.Id) ?? c.Name,
        (s) => roles(s).pattern,
        procRoot,
        inNs,
      );
      const containers = pod.map((c) => toContainer(c, roles, serviceOfId, pathOf, procRoot));
      return {
        name: serviceOfId(owner.Id) ?? owner.Name,
        owner: members.length ? owner.Name.replace(/^\//, '') : null,
        containers,
        shared: sharedOf(containers),
      };
    })
    .sort((a, b) => b.containers.length - a.containers.length || a.name.localeCompare(b.name));
}

/** Every container of our projects, read now. A container that goes away between list and inspect is left out. */
export async function readStacks(
  engine: Engine,
  ours: (p: string | undefined) => boolean,
  roles: Roles,
  procRoot?: string,
): Promise<Stack[]> {
  const listed = (await engine.list()).filter((s) => ours(s.Labels[PROJECT_LABEL]));
  const inspected = (await Promise.all(listed.map((s) => engine.inspect(s.Id).catch(() => undefined)))).filter(
    (c): c is Inspect => c !== undefined && ours(c.Config.Labels?.[PROJECT_LABEL]),
  );
  const projects = new Map<string, Inspect[]>();
  for (const c of inspected) {
    const p = c.Config.Labels[PROJECT_LABEL]!;
    projects.set(p, [...(projects.get(p) ?? []), c]);
  }
  // The host's processes are listed once for every pod of the read, not once a pod.
  const inNs = netnsIndex(procRoot ?? '/proc');
  return Promise.all(
    [...projects.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(async ([project, cs]) => ({
        project,
        stack: stackOf(project),
        pods: podsOf(cs, await roles(project, cs[0]!.Config.Labels), procRoot, inNs),
      })),
  );
}
