// The canonical compose model the converter reads: the long forms of every key (volumes, ports,
// depends_on, environment, healthcheck), with what Compose fills in by default (nulls, required: true,
// mode: ingress, create_host_path) removed. Both resolvers (docker compose config, and the YAML one in
// scripts/lib/compose-file/resolve.ts) feed their output through normalize(), so the converter sees the same model from either.
import { splitArgs } from '../lesson.js';

export type Dict<T = unknown> = Record<string, T>;

export interface Mount {
  type: string;
  source?: string;
  target: string;
  read_only?: boolean;
  [key: string]: unknown;
}
export interface Port {
  target: number;
  published?: string;
  host_ip?: string;
  protocol?: string;
  [key: string]: unknown;
}
export interface Dependency {
  condition: string;
  restart?: boolean;
  [key: string]: unknown;
}
/** Durations in seconds; test as Compose's list form (["CMD", ...], ["CMD-SHELL", "..."], ["NONE"]). */
export interface Healthcheck {
  test?: string[];
  interval?: number;
  timeout?: number;
  retries?: number;
  start_period?: number;
  start_interval?: number;
  disable?: boolean;
  [key: string]: unknown;
}
export interface Service {
  image?: string;
  entrypoint?: string[];
  command?: string[];
  environment?: Dict<string | null>;
  healthcheck?: Healthcheck;
  depends_on?: Dict<Dependency>;
  volumes?: Mount[];
  ports?: Port[];
  tmpfs?: string[];
  network_mode?: string;
  pid?: string;
  restart?: string;
  user?: string;
  [key: string]: unknown;
}
export interface TopVolume {
  driver_opts?: Dict<string>;
  [key: string]: unknown;
}
export interface Model {
  services: Dict<Service>;
  volumes: Dict<TopVolume>;
  [key: string]: unknown;
}

/** A variable the stack requires (no default) and the environment leaves unset: a per-run value. The
 * resolvers substitute this marker (a valid absolute path, so Compose accepts it as a bind source). */
export const RUN_VAR = '/__run__/';
export const runVarMarker = (name: string) => `${RUN_VAR}${name}`;
export const RUN_VAR_RE = /\/__run__\/([A-Za-z_]\w*)/g;

const isObj = (v: unknown): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown) => (v === null || v === undefined ? v : String(v));
const withoutNulls = (o: Dict) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined));

/** Go and Compose durations (1m0s, 1.5s, 500ms, 2h) in seconds. */
export function seconds(v: unknown): number {
  if (typeof v === 'number') return v;
  let total = 0;
  const scale: Dict<number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
  const text = String(v);
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)];
  if (!parts.length || parts.map((p) => p[0]).join('') !== text) throw new Error(`not a duration: ${text}`);
  for (const p of parts) total += Number(p[1]) * scale[p[2]!]!;
  return total;
}

const words = (v: unknown) => (v === null || v === undefined ? undefined : Array.isArray(v) ? v.map(String) : splitArgs(String(v)));

function environment(v: unknown): Dict<string | null> | undefined {
  if (v === null || v === undefined) return undefined;
  if (Array.isArray(v)) {
    return Object.fromEntries(v.map((e) => String(e).split(/=(.*)/s)).map(([k, val]) => [k!, val ?? null]));
  }
  return Object.fromEntries(Object.entries(v as Dict).map(([k, val]) => [k, str(val) ?? null]));
}

function dependsOn(v: unknown): Dict<Dependency> | undefined {
  if (!v) return undefined;
  if (Array.isArray(v)) return Object.fromEntries(v.map((n) => [String(n), { condition: 'service_started' }]));
  return Object.fromEntries(
    Object.entries(v as Dict).map(([k, d]) => {
      const { required, ...rest } = (d ?? {}) as Dict;
      return [k, { condition: 'service_started', ...rest, ...(required === false ? { required } : {}) } as Dependency];
    }),
  );
}

/** "src:dst[:ro]" or the long form; a relative bind source is made absolute against `dir` by the YAML resolver. */
export function mount(v: unknown): Mount {
  if (isObj(v)) {
    const { bind, volume, ...rest } = v;
    const out: Mount = { ...(rest as Mount) };
    const b = isObj(bind) ? withoutNulls(bind) : {};
    delete b.create_host_path;
    if (Object.keys(b).length) out.bind = b;
    if (isObj(volume) && Object.keys(withoutNulls(volume)).length) out.volume = volume;
    if (out.read_only === false) delete out.read_only;
    return out;
  }
  const [source, target, mode] = String(v).split(':');
  if (target === undefined) return { type: 'volume', target: source! };
  const type = /^[./~]/.test(source!) ? 'bind' : 'volume';
  return { type, source, target, ...(mode?.split(',').includes('ro') ? { read_only: true } : {}) };
}

/** "[host_ip:][published:]target[/protocol]" or the long form. */
export function port(v: unknown): Port {
  if (isObj(v)) {
    const { mode, published, ...rest } = v;
    return {
      ...(rest as unknown as Port),
      target: Number(v.target),
      ...(published ? { published: String(published) } : {}),
      ...(mode && mode !== 'ingress' ? { mode } : {}),
    };
  }
  const [spec = '', protocol = 'tcp'] = String(v).split('/');
  const parts = spec.split(':');
  const target = Number(parts.pop());
  const published = parts.pop();
  const host_ip = parts.join(':');
  return { target, protocol, ...(published ? { published } : {}), ...(host_ip ? { host_ip } : {}) };
}

function healthcheck(v: unknown): Healthcheck | undefined {
  if (!isObj(v)) return undefined;
  const h: Healthcheck = withoutNulls(v);
  if (typeof v.test === 'string') h.test = ['CMD-SHELL', v.test];
  else if (Array.isArray(v.test)) h.test = v.test.map(String);
  for (const k of ['interval', 'timeout', 'start_period', 'start_interval'] as const) if (h[k] !== undefined) h[k] = seconds(h[k]);
  if (h.retries !== undefined) h.retries = Number(h.retries);
  return h;
}

const lists = ['cap_drop', 'cap_add', 'security_opt', 'group_add', 'profiles'];

export function normalizeService(raw: Dict): Service {
  const s: Service = withoutNulls(raw);
  for (const k of ['entrypoint', 'command'] as const) if (k in s) s[k] = words(s[k]);
  if ('environment' in s) s.environment = environment(s.environment);
  if ('depends_on' in s) s.depends_on = dependsOn(s.depends_on);
  if ('volumes' in s) s.volumes = (s.volumes as unknown[]).map(mount);
  if ('ports' in s) s.ports = (s.ports as unknown[]).map(port);
  if ('healthcheck' in s) s.healthcheck = healthcheck(s.healthcheck);
  if ('tmpfs' in s) s.tmpfs = ([] as unknown[]).concat(s.tmpfs).map(String);
  for (const k of lists) if (k in s) s[k] = ([] as unknown[]).concat(s[k]).map(String);
  if ('user' in s) s.user = String(s.user);
  if (isObj(s.networks) && Object.keys(s.networks).every((n) => n === 'default')) delete s.networks;
  return s;
}

/** The canonical model of a resolved compose file (either resolver's output). */
export function normalize(raw: Dict): Model {
  const { services, volumes, networks, name: _name, ...rest } = raw;
  const model: Model = { ...Object.fromEntries(Object.entries(rest).filter(([k]) => !k.startsWith('x-'))), services: {}, volumes: {} };
  for (const [n, s] of Object.entries((services ?? {}) as Dict)) model.services[n] = normalizeService((s ?? {}) as Dict);
  for (const [n, v] of Object.entries((volumes ?? {}) as Dict)) {
    const { name: _vname, ...vol } = isObj(v) ? withoutNulls(v) : {};
    model.volumes[n] = vol as TopVolume;
  }
  const nets = Object.keys(isObj(networks) ? networks : {}).filter((n) => n !== 'default');
  if (nets.length) model.networks = Object.fromEntries(nets.map((n) => [n, (networks as Dict)[n]]));
  return model;
}
