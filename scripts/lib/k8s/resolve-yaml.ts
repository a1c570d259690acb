// The compose file resolved without Docker, with Compose's semantics for what the stacks use: YAML
// anchors and merge keys, interpolation (${X}, ${X:-d}, ${X-d}, ${X:?e}, ${X?e}, ${X:+a}, ${X+a}, $X, $$),
// `extends` across files (relative paths kept relative to the file that declares them), Compose's merge
// rules, and profiles. Not supported: nested interpolation (${A:-${B}}), env_file, include.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { type Dict, mount, normalizeService, RUN_VAR_RE, runVarMarker } from './model.js';

const isObj = (v: unknown): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v);
const readYaml = (file: string) => (parse(readFileSync(file, 'utf8'), { merge: true }) ?? {}) as Dict;

/** Compose's interpolation of one string; an unset variable with no default becomes a per-run marker. */
export function interpolate(text: string, env: Dict<string | undefined>): string {
  return text.replace(/\$(?:(\$)|\{([A-Za-z_]\w*)(?:(:?[-?+])([^}]*))?\}|([A-Za-z_]\w*))/g, (_m, dollar, braced, op, arg, bare) => {
    if (dollar) return '$';
    const name: string = braced ?? bare;
    const value = env[name];
    const set = value !== undefined;
    const nonEmpty = set && value !== '';
    switch (op) {
      case ':-':
        return nonEmpty ? value : interpolate(arg, env);
      case '-':
        return set ? value : interpolate(arg, env);
      case ':+':
        return nonEmpty ? interpolate(arg, env) : '';
      case '+':
        return set ? interpolate(arg, env) : '';
      default: // ${X}, $X, ${X:?err}, ${X?err}
        return set && (op !== ':?' || nonEmpty) ? value : runVarMarker(name);
    }
  });
}

/** Every variable a compose file (and what it extends) needs with no default: the stack's per-run values. */
export function requiredVariables(file: string, seen = new Set<string>()): string[] {
  if (seen.has(file)) return [];
  seen.add(file);
  const doc = readYaml(file);
  const names = [...JSON.stringify(deep(doc, {})).matchAll(RUN_VAR_RE)].map((m) => m[1]!);
  const services = (doc.services ?? {}) as Dict<Dict>;
  const bases = Object.values(services).flatMap((s) => (isObj(s?.extends) && s.extends.file ? [String(s.extends.file)] : []));
  return [...new Set([...names, ...bases.flatMap((b) => requiredVariables(resolve(dirname(file), b), seen))])].sort();
}

const deep = (v: unknown, env: Dict<string | undefined>): unknown =>
  typeof v === 'string'
    ? interpolate(v, env)
    : Array.isArray(v)
      ? v.map((x) => deep(x, env))
      : isObj(v)
        ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, deep(x, env)]))
        : v;

const REPLACE = new Set(['command', 'entrypoint', 'test']);

/** Compose's merge: mappings key by key, volumes by target, command/entrypoint/healthcheck.test replaced, other lists joined. */
function merge(base: unknown, over: unknown, key = ''): unknown {
  if (isObj(base) && isObj(over)) {
    const out: Dict = { ...base };
    for (const [k, v] of Object.entries(over)) out[k] = k in base ? merge(base[k], v, k) : v;
    return out;
  }
  if (Array.isArray(base) && Array.isArray(over) && !REPLACE.has(key)) {
    if (key === 'volumes') {
      const targets = new Set(over.map((m) => mount(m).target));
      return [...base.filter((m) => !targets.has(mount(m).target)), ...over];
    }
    return [...base, ...over.filter((x) => !base.some((b) => JSON.stringify(b) === JSON.stringify(x)))];
  }
  return over;
}

/** A service with its relative bind sources made absolute against its file's directory (before merging). */
function anchored(service: Dict, dir: string): Dict {
  if (!Array.isArray(service.volumes)) return service;
  const volumes = service.volumes.map((v) => {
    const m = mount(v);
    if (m.type !== 'bind' || !m.source || m.source.startsWith('/')) return v;
    return { ...m, source: m.source.startsWith('~') ? m.source : join(dir, m.source) };
  });
  return { ...service, volumes };
}

function loadService(file: string, name: string, env: Dict<string | undefined>, chain: string[] = []): Dict {
  const id = `${file}#${name}`;
  if (chain.includes(id)) throw new Error(`extends cycle: ${[...chain, id].join(' -> ')}`);
  const services = deep(readYaml(file).services ?? {}, env) as Dict<Dict>;
  const raw = services[name];
  if (!raw) throw new Error(`${file}: no service "${name}" to extend`);
  const { extends: ext, ...own } = raw;
  const self = anchored(own, dirname(file));
  if (!ext) return self;
  const e = (typeof ext === 'string' ? { service: ext } : ext) as { file?: string; service: string };
  const baseFile = e.file ? resolve(dirname(file), e.file) : file;
  const base = loadService(baseFile, e.service, env, [...chain, id]);
  // the long and short forms must meet in one shape before Compose's merge rules apply
  const shape = (s: Dict) => {
    const n = normalizeService({ ...s, volumes: undefined, ports: undefined });
    return { ...n, ...(s.volumes ? { volumes: s.volumes } : {}), ...(s.ports ? { ports: s.ports } : {}) };
  };
  return merge(shape(base), shape(self)) as Dict;
}

/** The resolved model of a compose file, as `docker compose config` would print it (before normalize). */
export function resolveYaml(file: string, env: Dict<string | undefined>, profiles: string[] = []): Dict {
  const top = readYaml(file);
  const active = (s: Dict) => !Array.isArray(s.profiles) || s.profiles.some((p) => profiles.includes(String(p)));
  const services: Dict<Dict> = {};
  for (const name of Object.keys((top.services ?? {}) as Dict)) {
    const s = loadService(file, name, env);
    if (active(s)) services[name] = s;
  }
  const used = new Set(
    Object.values(services).flatMap((s) =>
      ((s.volumes ?? []) as unknown[]).map(mount).flatMap((m) => (m.type === 'volume' && m.source ? [m.source] : [])),
    ),
  );
  const volumes = Object.fromEntries(Object.entries(deep(top.volumes ?? {}, env) as Dict).filter(([k]) => used.has(k)));
  const rest = Object.fromEntries(Object.entries(top).filter(([k]) => !['services', 'volumes'].includes(k) && !k.startsWith('x-')));
  return { ...(deep(rest, env) as Dict), services, volumes };
}

/** Services left out because none of their profiles is active: service -> its profiles. */
export function inactiveServices(file: string, profiles: string[]): Dict<string[]> {
  const services = (readYaml(file).services ?? {}) as Dict<Dict>;
  return Object.fromEntries(
    Object.entries(services)
      .filter(([, s]) => Array.isArray(s?.profiles) && !s.profiles.some((p) => profiles.includes(String(p))))
      .map(([n, s]) => [n, (s.profiles as unknown[]).map(String)]),
  );
}
