// `--with <sidecar>`: attaches sidecars to any stack's pod without editing its compose file, from
// what each sidecar declares in sidecars/<name>/attach.json (scripts/lib/attach-spec.ts). This module
// writes a compose override (with the yaml package) into the run's state directory: the sidecar
// joins the pod (network_mode and pid: service:pod), its published port is added to the pod's
// (Compose appends ports lists), and every pod member waits for it to be healthy, so it starts first
// and stops last, like any sidecar. Every attached sidecar runs read-only, without capabilities.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import YAML from 'yaml';
import { envVars, fill, loadAttachment, resolveInputs, type Attachment } from './attach-spec.js';
import type { Project } from './compose.js';
import { ROOT } from './config.js';
import { writeSecret } from './secret.js';
import { mergeDescriptions, type Description } from './stack-types.js';

/** Where an attached sidecar lives in this run. */
export interface Placement {
  /** Container ports by listener name, after moving past the ports the pod already uses. */
  ports: Record<string, number>;
  /** Host directories of its private dirs, by name (the runner makes them). */
  dirs: Record<string, string>;
  /** What each dir is mounted from, by name: a host directory, a named volume or an input's value. */
  mounts: Record<string, string>;
  /** The value of each input (attach-spec.ts resolveInputs). */
  inputs: Record<string, string>;
  /** The secret file on the host, when it declares one. */
  secret?: string;
  /** The pod's other members (services with network_mode: service:pod). */
  members: string[];
}

export interface Placed {
  a: Attachment;
  at: Placement;
}

export interface Attached {
  /** The generated override, to be added to the stack's compose files. */
  file: string;
  placed: Placed[];
  describe(project: Project): Promise<Description>;
}

interface ComposeService {
  network_mode?: string;
  ports?: string[];
}

/** Pod members (services with network_mode: service:pod) and the container ports the pod publishes. */
export function podLayout(composeTexts: string[]): { members: string[]; podPorts: Set<number>; services: string[] } {
  const services: Record<string, ComposeService> = {};
  for (const text of composeTexts)
    Object.assign(services, (YAML.parse(text) as { services?: Record<string, ComposeService> })?.services ?? {});
  if (!services.pod) throw new Error('the stack has no pod service to attach to (see compose/pod.yaml)');
  const members = Object.entries(services)
    .filter(([, s]) => s.network_mode === 'service:pod')
    .map(([n]) => n);
  const podPorts = new Set((services.pod.ports ?? []).map((p) => Number(String(p).split('/')[0]!.split(':').pop())));
  return { members, podPorts, services: Object.keys(services) };
}

/** The wanted ports, moved up in steps of 10 past any the pod already uses; marks them used. */
export function freePorts(wanted: number[], used: Set<number>): number[] {
  let shift = 0;
  while (wanted.some((p) => used.has(p + shift))) shift += 10;
  const ports = wanted.map((p) => p + shift);
  ports.forEach((p) => used.add(p));
  return ports;
}

const volumeName = (a: Attachment, dir: string) => `${a.name}-${dir}`;
export const mountOf = (source: string, d: { mount: string; readOnly?: boolean }) => `${source}:${d.mount}${d.readOnly ? ':ro' : ''}`;

/** Where a sidecar goes in a run: its ports (past `used`), a host directory per private dir. */
export function place(a: Attachment, o: { state: string; used: Set<number>; members: string[] }): Placement {
  const names = Object.keys(a.listens);
  const moved = freePorts(
    names.map((n) => a.listens[n]!),
    o.used,
  );
  const dirs = Object.fromEntries(
    Object.entries(a.dirs)
      .filter(([, d]) => !d.shared && !d.input)
      .map(([k]) => [k, join(o.state, 'attach', a.name, k)]),
  );
  const inputs = resolveInputs(a);
  const mounts = Object.fromEntries(
    Object.entries(a.dirs).map(([k, d]) => [k, d.input ? inputs[d.input]! : d.shared ? volumeName(a, k) : dirs[k]!]),
  );
  const secret = a.secret ? join(dirs[a.secret.dir]!, a.secret.file) : undefined;
  return { ports: Object.fromEntries(names.map((n, i) => [n, moved[i]!])), dirs, mounts, inputs, secret, members: o.members };
}

/** The compose service of an attached sidecar, minus what joins it to the pod. */
export function serviceFor(a: Attachment, at: Placement): Record<string, unknown> {
  const vars = envVars(a, at.ports, at.inputs);
  return {
    image: a.image,
    restart: 'unless-stopped',
    read_only: true,
    cap_drop: ['ALL'],
    security_opt: ['no-new-privileges:true'],
    volumes: Object.entries(a.dirs).map(([k, d]) => mountOf(at.mounts[k]!, d)),
    environment: Object.fromEntries(Object.entries(a.env).map(([k, v]) => [k, fill(v, vars)])),
    ...(a.healthcheck ? { healthcheck: a.healthcheck } : {}),
  };
}

/** The override document for one or more attached sidecars. */
export function overrideDoc(stack: string, placed: Placed[], members: string[]): string {
  const published = placed.flatMap(({ a, at }) =>
    a.publish ? [`127.0.0.1:\${${a.publish.hostPortEnv}:-}:${at.ports[a.publish.port]}`] : [],
  );
  const services: Record<string, Record<string, unknown>> = published.length ? { pod: { ports: published } } : {};
  const volumes: Record<string, object> = {};
  for (const { a, at } of placed) {
    services[a.name] = {
      ...serviceFor(a, at),
      network_mode: 'service:pod',
      pid: 'service:pod',
      depends_on: { pod: { condition: 'service_started' } },
    };
  }
  for (const m of members) {
    const shared = placed.flatMap(({ a }) =>
      Object.entries(a.dirs)
        .filter(([, d]) => d.shared)
        .map(([k, d]) => mountOf(volumeName(a, k), { mount: d.mount })),
    );
    services[m] = {
      depends_on: Object.fromEntries(placed.map(({ a }) => [a.name, { condition: 'service_healthy' }])),
      ...(shared.length ? { volumes: shared } : {}),
    };
  }
  for (const { a } of placed) for (const [k, d] of Object.entries(a.dirs)) if (d.shared) volumes[volumeName(a, k)] = {};
  const doc = new YAML.Document({ services, ...(Object.keys(volumes).length ? { volumes } : {}) });
  doc.commentBefore = ` Generated by sidecar-lab (--with ${placed.map(({ a }) => a.name).join(',')}): attaches to the pod of stack ${stack}.\n Not checked in; the stack's own compose file is unchanged.`;
  return doc.toString();
}

/** What `up` prints for an attached sidecar: its published address, its secret file, its hints. */
export async function describePlaced({ a, at }: Placed, project: Project): Promise<Description> {
  const url = a.publish ? `http://${await project.port('pod', at.ports[a.publish.port]!)}/` : '';
  return {
    urls: url ? { [a.name]: url } : {},
    files: at.secret ? { [`${a.name} ${basename(at.secret)}`]: at.secret } : {},
    hints: (a.hints ?? []).map((h) => fill(h, { url, secret: at.secret ?? '' })),
  };
}

/** The override of a run that attaches these sidecars, in its state directory. */
const overrideIn = (state: string, names: string[]) => join(state, `attach.${names.join('+')}.yaml`);

/** What `up` prints for the sidecars of one override: the override itself, and each sidecar's address, secret and hints. */
const attachedTo = (file: string, placed: Placed[]): Attached => ({
  file,
  placed,
  describe: async (project) =>
    mergeDescriptions([{ urls: {}, files: { override: file } }, ...(await Promise.all(placed.map((p) => describePlaced(p, project))))]),
});

/** The sidecars a run was started with (`up --with`), where `up` placed them, by name (its record keeps them), and
 * the override it wrote into the run's state directory. */
export function attachedAt(state: string, placements: Record<string, Placement>): Attached {
  const placed = Object.entries(placements).map(([name, at]) => ({ a: loadAttachment(name), at }));
  return attachedTo(overrideIn(state, Object.keys(placements)), placed);
}

/** Makes a placed sidecar's private directories and its secret. */
function prepare({ a, at }: Placed): void {
  for (const dir of Object.values(at.dirs)) mkdirSync(dir, { recursive: true });
  if (a.secret) writeSecret(at.dirs[a.secret.dir]!, a.secret);
}

/** Places the named sidecars next to a stack's compose files and writes the override into state. */
export async function attach(names: string[], o: { stack: string; files: string[]; state: string }): Promise<Attached> {
  const stackDir = join(ROOT, 'stacks', o.stack);
  const { members, podPorts, services } = podLayout(o.files.map((f) => readFileSync(join(stackDir, f), 'utf8')));
  const taken = names.filter((n) => services.includes(n));
  if (taken.length) throw new Error(`--with ${taken.join(',')}: stack ${o.stack} already has a service of that name`);
  const used = new Set(podPorts);
  const placed = names.map((name) => {
    const a = loadAttachment(name);
    return { a, at: place(a, { state: o.state, used, members }) };
  });
  placed.forEach(prepare);
  const file = overrideIn(o.state, names);
  writeFileSync(file, overrideDoc(o.stack, placed, members));
  return attachedTo(file, placed);
}
