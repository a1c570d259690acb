// `npm run inject`: turns one service of ANY compose file into a pod and adds sidecars to it. The work is
// done on the file's YAML Document (parseDocument, get/set, createNode): a pause service <app>-pod takes
// the app's network keys (published ports, expose, networks, hostname, dns…) and answers to the app's
// name; the app and its sidecars join it (network_mode and pid: service:<app>-pod); the app waits for
// every sidecar to be healthy. render.ts prints the result with the bytes of every untouched part kept.
// Running it again on its own output changes nothing; a second --with adds only the new sidecar.
import { isMap, isScalar, isSeq, type Pair, parseDocument, type Scalar, type YAMLMap } from 'yaml';
import type { Attachment } from '../attach-spec.js';
import { Refusal } from './refusal.js';
import { Source } from './render.js';
import { addSidecar, type Pod, spaced } from './sidecar.js';

export interface InjectOptions {
  service: string;
  sidecars: Attachment[];
  /** Input values given with --set, by sidecar name. */
  given?: Record<string, Record<string, string>>;
  /** The service as `docker compose config` sees it (extends resolved), when known. */
  effective?: Record<string, unknown>;
  /** The file's name, for messages. */
  file?: string;
}

export interface Injected {
  text: string;
  /** What the user should know: what moved, what to fill in. */
  notes: string[];
}

/** Keys Docker refuses beside network_mode: service:… (the network is the pod's): they move to the pod. */
export const MOVED = [
  'ports',
  'expose',
  'networks',
  'hostname',
  'domainname',
  'dns',
  'dns_search',
  'dns_opt',
  'extra_hosts',
  'mac_address',
  'links',
];
const EMPTY: Record<string, unknown> = { networks: {}, hostname: '', domainname: '', mac_address: '' };
export const PAUSE_IMAGE = 'sidecar-lab/pause:${SIDECAR_LAB_VERSION:-dev}';

const keyOf = (p: Pair) => (isScalar(p.key) ? p.key.value : p.key);
const pairOf = (map: YAMLMap, key: string) => map.items.find((p) => keyOf(p) === key);

export function inject(input: string, o: InjectOptions): Injected {
  const file = o.file ?? 'the file';
  const crlf = input.includes('\r\n');
  const text = crlf ? input.replace(/\r\n/g, '\n') : input;
  const doc = parseDocument(text, { merge: true });
  if (doc.errors.length) throw new Refusal(`inject: ${file} is not valid YAML: ${doc.errors[0]!.message.split('\n')[0]}`);
  const src = new Source(text, doc);
  const services = doc.get('services');
  if (!isMap(services)) throw new Refusal(`inject: ${file} has no services`);
  if (!services.has(o.service))
    throw new Refusal(`inject: no service "${o.service}" in ${file} (its services: ${services.items.map(keyOf).join(', ')})`);
  const app = services.get(o.service);
  if (!isMap(app))
    throw new Refusal(`inject: service "${o.service}" is not a map of keys of its own (an alias or empty): write it out first`);
  const all = doc.toJS({ maxAliasCount: -1 }) as { services: Record<string, Record<string, unknown>> };
  const merged = all.services[o.service] ?? {};
  const p: Pod = { doc, services, app: o.service, pod: `${o.service}-pod`, notes: [] };
  for (const map of [services, app].filter((m) => m.flow)) {
    map.flow = false;
    p.notes.push(`wrote ${map === app ? o.service : 'services'} in the block style: it was a {…} flow map`);
  }
  const mode = String(o.effective?.network_mode ?? merged.network_mode ?? '');
  if (mode === 'host')
    throw new Refusal(`inject: service "${o.service}" uses network_mode: host: it has no network namespace of its own to give a pod`);
  if (/^(service|container):/.test(mode) && mode !== `service:${p.pod}`)
    throw new Refusal(
      `inject: service "${o.service}" already shares another's network (network_mode: ${mode}); inject into that one instead`,
    );
  if (mode !== `service:${p.pod}`) {
    if (services.has(p.pod)) throw new Refusal(`inject: ${file} already has a service named "${p.pod}"; rename it first`);
    makePod(p, app, merged, o.effective, file);
  }
  const members: string[] = [];
  for (const a of o.sidecars) {
    const name = `${p.app}-${a.name}`;
    if (services.has(name)) {
      const s = services.get(name);
      if (!isMap(s) || s.get('network_mode') !== `service:${p.pod}`)
        throw new Refusal(`inject: ${file} already has a service named "${name}" outside ${p.pod}; rename it first`);
    } else {
      const pods = services.items.map((i) => String(keyOf(i)));
      let after = pods.indexOf(p.pod) + 1;
      while (after < pods.length && pods[after]!.startsWith(`${p.app}-`)) after++;
      addSidecar(p, a, o.given?.[a.name] ?? {}, after);
    }
    members.push(name);
  }
  dependOn(p, app, merged, members);
  const out = src.render(doc);
  if (!out.exact)
    p.notes.push(`could not keep ${file}'s spacing byte for byte: printed it with the yaml package (comments and key order kept)`);
  return { text: crlf ? out.text.replace(/\n/g, '\r\n') : out.text, notes: p.notes };
}

/** Adds the pod after the app, moves the app's network keys to it and joins the app to it. */
function makePod(p: Pod, app: YAMLMap, merged: Record<string, unknown>, effective: Record<string, unknown> | undefined, file: string) {
  const { doc, services } = p;
  const viaExtends = MOVED.filter(
    (k) => !(k in merged) && effective?.[k] !== undefined && !(k === 'networks' && defaultOnly(effective[k])),
  );
  if (viaExtends.length)
    throw new Refusal(
      `inject: service "${p.app}" gets ${viaExtends.join(', ')} through extends; inject moves only keys written in ${file}: write them in "${p.app}"`,
    );
  const pod = doc.createNode({
    image: PAUSE_IMAGE,
    restart: 'unless-stopped',
    read_only: true,
    cap_drop: ['ALL'],
    security_opt: ['no-new-privileges:true'],
    healthcheck: { test: ['CMD', 'catatonit', '--version'], interval: '5s', timeout: '10s', start_period: '30s', retries: 3 },
  }) as YAMLMap;
  for (const key of ['cap_drop', 'security_opt', 'healthcheck']) (pod.get(key) as YAMLMap).flow = true;
  const moved: string[] = [];
  const mode = merged.network_mode;
  const keys = mode !== undefined && !String(mode).startsWith('service:') ? [...MOVED, 'network_mode'] : MOVED;
  for (const key of keys) {
    const pair = pairOf(app, key);
    if (pair) {
      app.items.splice(app.items.indexOf(pair), 1);
      pod.items.push(pair);
      moved.push(key);
    } else if (key in merged) {
      pod.set(key, doc.createNode(merged[key]));
      if (key !== 'network_mode') app.set(key, doc.createNode(EMPTY[key] ?? []));
      p.notes.push(
        `${p.app} got ${key} from a YAML merge key (<<): gave the value to ${p.pod} and set ${key}: ${JSON.stringify(EMPTY[key] ?? [])} on ${p.app}`,
      );
    }
  }
  if (moved.length) p.notes.push(`moved ${moved.join(', ')} from ${p.app} to ${p.pod}: the pod owns the network now`);
  if (!pod.has('network_mode')) alias(p, pod);
  const pair = doc.createPair(p.pod, pod);
  (pair.key as Scalar).commentBefore =
    ` ${p.app}'s pod (added by sidecar-lab inject): its PID 1 (catatonit) holds the network and PID namespaces that ${p.app} and its sidecars share.`;
  (pair.key as Scalar).spaceBefore = spaced(services);
  services.items.splice(services.items.findIndex((i) => i.value === app) + 1, 0, pair);
  const join = [doc.createPair('network_mode', `service:${p.pod}`), doc.createPair('pid', `service:${p.pod}`)];
  (join[0]!.key as Scalar).commentBefore = ` in the pod ${p.pod} (added by sidecar-lab inject)`;
  const pid = pairOf(app, 'pid');
  if (pid) {
    p.notes.push(`replaced ${p.app}'s pid: ${String(merged.pid)} with service:${p.pod}`);
    app.items.splice(app.items.indexOf(pid), 1);
  }
  const at = Math.max(...['image', 'build'].map((k) => app.items.findIndex((i) => keyOf(i) === k)));
  app.items.splice(at + 1, 0, ...join);
  for (const other of services.items) {
    if (!isMap(other.value) || other.value === app) continue;
    for (const key of ['network_mode', 'pid'])
      if (other.value.get(key) === `service:${p.app}`) {
        other.value.set(key, `service:${p.pod}`);
        p.notes.push(`${String(keyOf(other))} shared ${p.app}'s ${key === 'pid' ? 'PID namespace' : 'network'}: it now joins ${p.pod}`);
      }
  }
}

const defaultOnly = (v: unknown) => typeof v === 'object' && v !== null && Object.keys(v).every((k) => k === 'default');

/** The pod answers to the app's name on each of its networks, so the other services still reach the app by name. */
function alias(p: Pod, pod: YAMLMap) {
  const { doc } = p;
  if (!pod.has('networks')) pod.set('networks', doc.createNode({ default: null }));
  let nets = pod.get('networks');
  if (isSeq(nets))
    pod.set('networks', (nets = doc.createNode(Object.fromEntries(nets.items.map((n) => [String(isScalar(n) ? n.value : n), null])))));
  if (!isMap(nets)) return;
  for (const net of nets.items) {
    if (!isMap(net.value)) {
      net.value = doc.createNode({ aliases: [p.app] });
      (net.value as YAMLMap).flow = true;
      continue;
    }
    const aliases = net.value.get('aliases');
    if (!isSeq(aliases)) net.value.set('aliases', doc.createNode([p.app]));
    else if (!aliases.items.some((x) => isScalar(x) && x.value === p.app)) aliases.items.push(doc.createNode(p.app));
  }
  p.notes.push(`${p.pod} answers to "${p.app}" on its networks (aliases), so the other services still reach ${p.app} by name`);
}

/** The app starts after every sidecar is healthy: depends_on in the long syntax, a condition per sidecar. */
function dependOn(p: Pod, app: YAMLMap, merged: Record<string, unknown>, members: string[]) {
  const { doc } = p;
  let deps = app.get('depends_on');
  if (deps === undefined && merged.depends_on !== undefined) deps = doc.createNode(merged.depends_on);
  if (isSeq(deps) || deps === undefined) {
    const names = isSeq(deps) ? deps.items.map((d) => String(isScalar(d) ? d.value : d)) : [];
    const long = doc.createNode(Object.fromEntries(names.map((n) => [n, { condition: 'service_started' }]))) as YAMLMap;
    for (const d of long.items) (d.value as YAMLMap).flow = true;
    deps = long;
    if (names.length) p.notes.push(`wrote ${p.app}'s depends_on in the long syntax (condition: service_started for ${names.join(', ')})`);
  }
  if (!isMap(deps)) return;
  const map = deps;
  const missing = members.filter((m) => !map.has(m));
  if (!missing.length && app.get('depends_on') === deps) return;
  for (const m of missing) {
    const cond = doc.createNode({ condition: 'service_healthy' }) as YAMLMap;
    cond.flow = true;
    deps.set(m, cond);
  }
  if (app.get('depends_on') !== deps) app.set('depends_on', deps);
}
