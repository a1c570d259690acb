// Compose groups: services joined through network_mode, pid, ipc (service:X or container:X) or
// volumes_from form one group, transitively; a join to a missing service or a cycle is reported, never
// followed forever. Services coupled only through a volume a well-known helper writes form a
// shared-volume group. Every other service is a group of one.
import { knownImage } from './known-images.js';
import type { Member } from './model.js';

type Dict<T = unknown> = Record<string, T>;

export interface Join {
  from: string;
  to: string;
  how: string;
}

export interface ComposeDraft {
  name: string;
  kind: 'compose-pod' | 'compose-service' | 'shared-volume';
  members: Member[];
  /** The service the others join (compose-pod). */
  owner?: string;
  joins: Join[];
  /** Evidence for a shared-volume group: the volumes that couple it. */
  volumes?: string[];
}

export interface ComposeProblem {
  rule: 'join-missing' | 'join-cycle' | 'host-namespace';
  service: string;
  message: string;
}

/** The joins a service declares, and its host namespaces. */
function joinsOf(name: string, s: Dict, byContainer: Map<string, string>): { joins: Join[]; host: string[] } {
  const joins: Join[] = [];
  const host: string[] = [];
  for (const key of ['network_mode', 'pid', 'ipc'] as const) {
    const v = s[key];
    if (typeof v !== 'string') continue;
    const m = /^(service|container):(.+)$/.exec(v);
    if (m) joins.push({ from: name, to: m[1] === 'container' ? (byContainer.get(m[2]!) ?? m[2]!) : m[2]!, how: `${key}: ${v}` });
    else if (v === 'host') host.push(`${key}: host`);
  }
  for (const v of Array.isArray(s.volumes_from) ? s.volumes_from : []) {
    const m = /^(?:(service|container):)?([^:]+)/.exec(String(v));
    if (m)
      joins.push({ from: name, to: m[1] === 'container' ? (byContainer.get(m[2]!) ?? m[2]!) : m[2]!, how: `volumes_from: ${String(v)}` });
  }
  return { joins, host };
}

export function composeGroups(services: Dict<Dict>, members: Member[]): { drafts: ComposeDraft[]; problems: ComposeProblem[] } {
  const names = Object.keys(services);
  const byName = new Map(members.map((m) => [m.name, m]));
  const byContainer = new Map(
    names.flatMap((n) => (typeof services[n]!.container_name === 'string' ? [[services[n]!.container_name as string, n]] : [])),
  );
  const problems: ComposeProblem[] = [];
  const edges: Join[] = [];
  const dangling: Join[] = [];
  for (const n of names) {
    const { joins, host } = joinsOf(n, services[n]!, byContainer);
    for (const h of host)
      problems.push({ rule: 'host-namespace', service: n, message: `${h}: it shares the host's namespace, not a pod's` });
    for (const j of joins) {
      if (byName.has(j.to) && j.to !== n) edges.push(j);
      else {
        dangling.push(j);
        problems.push({ rule: 'join-missing', service: n, message: `${j.how}: no service "${j.to}" in this file` });
      }
    }
  }
  // cycles among the joins (each reported once, by its members in order)
  const next = new Map<string, string[]>();
  for (const e of edges) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  const state = new Map<string, number>();
  const seen = new Set<string>();
  const visit = (n: string, path: string[]) => {
    state.set(n, 1);
    for (const t of next.get(n) ?? []) {
      if (state.get(t) === 1) {
        const cycle = [...path.slice(path.indexOf(t)), n];
        const key = [...cycle].sort().join(',');
        if (!seen.has(key)) {
          seen.add(key);
          problems.push({ rule: 'join-cycle', service: t, message: `namespace joins form a cycle: ${[...cycle, t].join(' -> ')}` });
        }
      } else if (!state.has(t)) visit(t, [...path, n]);
    }
    state.set(n, 2);
  };
  for (const n of names) if (!state.has(n)) visit(n, []);
  // union of joined services
  const root = new Map(names.map((n) => [n, n]));
  const find = (n: string): string => {
    let r = n;
    while (root.get(r) !== r) r = root.get(r)!;
    root.set(n, r);
    return r;
  };
  for (const e of edges) root.set(find(e.from), find(e.to));
  const drafts: ComposeDraft[] = [];
  const grouped = new Set<string>();
  for (const n of names) {
    const r = find(n);
    if (grouped.has(r)) continue;
    const inGroup = names.filter((x) => find(x) === r);
    const joins = edges.filter((e) => inGroup.includes(e.from));
    const missing = dangling.find((j) => inGroup.includes(j.from));
    if (inGroup.length === 1 && !missing) continue;
    grouped.add(r);
    const owners = inGroup.filter((x) => !joins.some((e) => e.from === x));
    const owner = owners.find((x) => joins.some((e) => e.to === x)) ?? owners[0];
    const how = (joins.find((e) => e.to === owner) ?? missing)?.how.split(':')[0];
    const ns = how === 'volumes_from' ? 'volumes' : how === 'network_mode' ? 'network' : how;
    const name = joins.length || !missing ? `${ns} namespace of ${owner}` : `${ns} namespace of ${missing.to} (not in this file)`;
    drafts.push({
      name: owner ? name : `joins of ${inGroup.join(', ')}`,
      kind: 'compose-pod',
      members: inGroup.map((x) => byName.get(x)!),
      owner,
      joins,
    });
    for (const x of inGroup) grouped.add(x);
  }
  drafts.push(...sharedVolumeGroups(members.filter((m) => !grouped.has(m.name))));
  const inDraft = new Set(drafts.flatMap((d) => d.members.map((m) => m.name)));
  for (const m of members) if (!inDraft.has(m.name)) drafts.push({ name: m.name, kind: 'compose-service', members: [m], joins: [] });
  return { drafts, problems };
}

/** Host resources many services mount for their own sake: sharing one couples nothing. */
const HOST_RESOURCE = /^\/(etc|var\/run|run|sys|proc|dev)(\/|$)/;

/** Pairs coupled only through volumes exactly two services mount, one of them a well-known helper image. */
function sharedVolumeGroups(free: Member[]): ComposeDraft[] {
  const users = new Map<string, Member[]>();
  for (const m of free)
    for (const mt of m.mounts) if (mt.source && !HOST_RESOURCE.test(mt.source)) users.set(mt.source, [...(users.get(mt.source) ?? []), m]);
  const out: ComposeDraft[] = [];
  const taken = new Set<string>();
  for (const ms of users.values()) {
    const pair = [...new Set(ms)];
    if (pair.length !== 2 || pair.some((m) => taken.has(m.name))) continue;
    const helper = pair.find((m) => {
      const k = knownImage(m.image);
      return k?.weight === 'helper' && !k.network && k.pattern !== 'pause';
    });
    if (!helper) continue;
    const vols = [...users].filter(([, u]) => new Set(u).size === 2 && pair.every((p) => u.includes(p))).map(([s]) => s);
    for (const m of pair) taken.add(m.name);
    out.push({
      name: `volumes shared by ${pair.map((m) => m.name).join(' and ')}`,
      kind: 'shared-volume',
      members: pair,
      joins: [],
      volumes: vols,
    });
  }
  return out;
}
