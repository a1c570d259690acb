// One sidecar added to a pod by `npm run inject`, from its declaration (sidecars/<name>/attach.json), with the
// same serviceFor and freePorts as `--with NAME`. In a user's file, its inputs are --set values, defaults or
// `${APP_ENV:?…}` placeholders, a private dir is a named volume, and the dir of a declared secret is a host
// directory the user fills (inject writes no file). Every name is the app's: web-tls-proxy, WEB_CERT_DIR.
import { type Document, isMap, isScalar, isSeq, Scalar, visit, type YAMLMap } from 'yaml';
import { resolveInputs, type Attachment } from '../attach-spec.js';
import { freePorts, serviceFor, type Placement } from '../attach.js';
import { addIssuer, type Issued } from './issuer.js';
import { Refusal } from './refusal.js';

/** What a sidecar is added to: the document, its services, the app's name and the pod's. */
export interface Pod {
  doc: Document;
  services: YAMLMap;
  app: string;
  pod: string;
  notes: string[];
}

/** WEB_ for service web: the prefix of the env vars inject asks for, so that two pods in one file never share one. */
export const envPrefix = (service: string) => `${/^[0-9]/.test(service) ? 'S_' : ''}${service.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_`;

/** The container port of a ports entry (short or long syntax) or an expose entry: "127.0.0.1:${P:-8080}:80/tcp" -> 80. */
export function containerPort(entry: unknown): number | undefined {
  if (typeof entry === 'number') return entry;
  if (typeof entry === 'object' && entry !== null) return Number((entry as { target?: unknown }).target) || undefined;
  if (typeof entry !== 'string') return undefined;
  const spec = entry.replace(/\/\w+$/, '');
  let [depth, cut] = [0, -1];
  for (let i = 0; i < spec.length; i++) {
    if (spec[i] === '{') depth++;
    else if (spec[i] === '}') depth--;
    else if (spec[i] === ':' && depth === 0) cut = i;
  }
  const port = Number.parseInt(spec.slice(cut + 1), 10);
  return port > 0 && port < 65536 ? port : undefined;
}

/** Container ports the pod publishes or exposes, in file order (the app listens on them). */
export function podPorts(podMap: YAMLMap): number[] {
  const list = (key: string) => {
    const v = podMap.get(key);
    return isSeq(v) ? (v.toJSON() as unknown[]) : [];
  };
  return [...list('ports'), ...list('expose')].map(containerPort).filter((p): p is number => p !== undefined);
}

/** Inputs the user may --set for a sidecar: its declared inputs, and the dir of its secret. */
export const settable = (a: Attachment) => [...Object.keys(a.inputs ?? {}), ...(a.secret ? [a.secret.dir] : [])];

/** --set values by sidecar: INPUT=VALUE goes to every sidecar that takes INPUT, SIDECAR.INPUT=VALUE to that one. */
export function givenInputs(sets: string[], sidecars: Attachment[]): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = Object.fromEntries(sidecars.map((a) => [a.name, {}]));
  for (const set of sets) {
    const m = /^(?:([a-z0-9-]+)\.)?([a-z][a-z0-9-]*)=(.*)$/s.exec(set);
    if (!m) throw new Refusal(`inject: --set ${set}: write it as INPUT=VALUE or SIDECAR.INPUT=VALUE`);
    const [, only, key, value] = m as unknown as [string, string | undefined, string, string];
    const takers = sidecars.filter((a) => (!only || a.name === only) && settable(a).includes(key));
    const known = sidecars.flatMap((a) => settable(a).map((k) => `${a.name}.${k}`));
    if (!takers.length) throw new Refusal(`inject: --set ${set}: no sidecar given takes ${key} (inputs: ${known.join(', ') || 'none'})`);
    for (const a of takers) out[a.name]![key] = value;
  }
  return out;
}

/** Quotes every string that holds a ${...} or a ':' port spec, the way compose files are usually written. */
function quote(node: unknown): void {
  if (!isMap(node) && !isSeq(node)) return;
  visit(node, {
    Scalar(_, s) {
      if (typeof s.value === 'string' && /\$\{|^[\d.]+:|^\d+$/.test(s.value)) s.type = Scalar.QUOTE_DOUBLE;
    },
  });
}

/** Adds sidecar `a` to the pod as service <app>-<name> after the pod's last member; returns that name. */
export function addSidecar(p: Pod, a: Attachment, given: Record<string, string>, after: number): string {
  const name = `${p.app}-${a.name}`;
  const podMap = p.services.get(p.pod) as YAMLMap;
  const prefix = envPrefix(p.app);
  const app = podPorts(podMap);
  const ports = freePorts(Object.values(a.listens), new Set(app));
  let inputs: Record<string, string>;
  try {
    inputs = resolveInputs(a, { given, app: app.length ? { 'app.port': String(app[0]) } : {}, envPrefix: prefix });
  } catch (e) {
    throw new Refusal(`inject: ${(e as Error).message}`);
  }
  const mounts: Record<string, string> = {};
  const issued: Issued[] = [];
  for (const [k, d] of Object.entries(a.dirs)) {
    const input = d.input ? a.inputs[d.input] : undefined;
    if (d.input && d.issuedBy && given[d.input] === undefined && input?.env) {
      const env = `${prefix}${input.env}`;
      const dir = { ...d, issuedBy: d.issuedBy };
      const at = addIssuer(p, { name, dirKey: k, dir, input, env, at: after, spaced: spaced(p.services) });
      if (at.added) after++;
      issued.push(at);
      mounts[k] = inputs[d.input] = at.source;
    } else if (d.input) mounts[k] = inputs[d.input]!;
    else if (a.secret?.dir === k) {
      const env = `${prefix}${a.name.toUpperCase().replace(/-/g, '_')}_${k.toUpperCase()}_DIR`;
      mounts[k] =
        given[k] ?? `\${${env}:?set ${env} to a host directory holding ${a.secret.file}, a secret that uid ${a.secret.uid} reads}`;
      if (!given[k])
        p.notes.push(
          `${name}: set ${env} (or --set ${k}=DIR) to a directory holding ${a.secret.file}: a random secret (openssl rand -hex 32) owned by uid ${a.secret.uid}, mode 0400`,
        );
    } else {
      mounts[k] = `${name}-${k}`;
      const top = p.doc.get('volumes');
      if (!isMap(top)) p.doc.set('volumes', p.doc.createNode({ [mounts[k]]: {} }));
      else if (!top.has(mounts[k])) top.set(mounts[k], p.doc.createNode({}));
      if (d.shared) addAppVolume(p, `${mounts[k]}:${d.mount}`);
    }
  }
  const at: Placement = {
    ports: Object.fromEntries(Object.keys(a.listens).map((k, i) => [k, ports[i]!])),
    dirs: {},
    mounts,
    inputs,
    members: [p.app],
  };
  const { image, ...rest } = serviceFor(a, at);
  if (!(rest.volumes as string[]).length) delete rest.volumes;
  const join = { network_mode: `service:${p.pod}`, pid: `service:${p.pod}` };
  const groups = issued.flatMap((i) => (i.group === undefined ? [] : [String(i.group)]));
  const waits = Object.fromEntries([
    [p.pod, { condition: 'service_started' }],
    ...issued.map((i) => [i.service, { condition: 'service_completed_successfully' }]),
  ]);
  const node = p.doc.createNode({ image, ...join, ...rest, ...(groups.length ? { group_add: groups } : {}), depends_on: waits }) as YAMLMap;
  for (const key of ['cap_drop', 'security_opt', 'healthcheck', 'group_add']) {
    const v = node.get(key);
    if (isSeq(v) || isMap(v)) v.flow = true;
  }
  for (const d of (node.get('depends_on') as YAMLMap).items) (d.value as YAMLMap).flow = true;
  quote(node.get('environment'));
  quote(node.get('volumes'));
  const pair = p.doc.createPair(name, node);
  (pair.key as Scalar).commentBefore = [
    ` ${a.name}, a sidecar of ${p.app} in ${p.pod} (added by sidecar-lab inject from its attach.json)`,
    ...issued.map((i) => ` ${i.comment}`),
  ].join('\n');
  (pair.key as Scalar).spaceBefore = spaced(p.services);
  p.services.items.splice(after, 0, pair);
  if (a.publish) {
    const port = `127.0.0.1:\${${prefix}${a.publish.hostPortEnv}:-}:${at.ports[a.publish.port]}`;
    const list = podMap.get('ports');
    const entry = new Scalar(port);
    entry.type = Scalar.QUOTE_DOUBLE;
    if (isSeq(list)) list.items.push(entry);
    else podMap.set('ports', p.doc.createNode([entry]));
  }
  // Every other port it listens on is declared for the containers on the pod's network (its admin port: scrapers).
  const exposed = Object.keys(a.listens).filter((k) => k !== a.publish?.port);
  if (exposed.length) {
    const list = podMap.get('expose');
    const entries = exposed.map((k) => {
      const e = new Scalar(String(at.ports[k]));
      e.type = Scalar.QUOTE_DOUBLE;
      e.comment = ` ${a.name} ${k}, for containers on this network (added by sidecar-lab inject)`;
      return e;
    });
    if (isSeq(list)) list.items.push(...entries);
    else podMap.set('expose', p.doc.createNode(entries));
  }
  for (const [k, v] of Object.entries(inputs))
    if (given[k] === undefined && /^\$\{\w+:\?/.test(v))
      p.notes.push(
        `${name}: set ${v.slice(2, v.indexOf(':?'))} to ${a.inputs[k]!.about} (environment or .env), or rerun with --set ${k}=VALUE`,
      );
  return name;
}

/** Whether the file puts a blank line between services (then new ones get one too). */
export const spaced = (services: YAMLMap) => services.items.slice(1).some((i) => isScalar(i.key) && i.key.spaceBefore);

function addAppVolume(p: Pod, mount: string): void {
  const app = p.services.get(p.app) as YAMLMap;
  const list = app.get('volumes');
  if (!isSeq(list)) app.set('volumes', p.doc.createNode([mount]));
  else if (!list.items.some((i) => isScalar(i) && i.value === mount)) list.items.push(p.doc.createNode(mount));
}
