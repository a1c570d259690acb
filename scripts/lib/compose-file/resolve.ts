// A compose file resolved without Docker, with Compose's semantics: YAML anchors and merge keys,
// interpolation (nested defaults too), `extends` across files (relative paths kept relative to the file
// that declares them), `include`, `env_file`, Compose's merge rules, and profiles. One resolver for the
// k8s converter (a stack's file, per-run markers for unset variables), identify (anyone's file: only the
// .env beside it, unset stays visible, Compose's refusals refused) and inject.
import { readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parse as parseEnv } from 'dotenv';
import { type Env, type InterpolateOptions, interpolateDeep } from './interpolate.js';
import { anchored, checkShape, merge } from './merge.js';
import { type Dict, mount, normalizeService, RUN_VAR_RE, runVarMarker } from './model.js';
import { ComposeError, parseYamlObject } from './yaml.js';

const isObj = (v: unknown): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The k8s converter's interpolation: an unset variable (required or not) becomes its per-run marker. */
export const RUN_MARKERS: InterpolateOptions = { unset: (name) => runVarMarker(name), refuseRequired: false };

export interface ResolveOptions {
  /** Variables given by the caller; they win over the .env file. */
  env?: Env;
  /** Read the `.env` beside each file (identify); the k8s converter passes its run's environment instead. */
  dotenv?: boolean;
  /** Active profiles, or 'all'. */
  profiles?: string[] | 'all';
  interpolation?: InterpolateOptions;
  /** Reads a file the resolution needs (identify: bounded to the paths it was given). */
  read?: (file: string) => string;
  /** Files already parsed (path -> first document), so the caller's parse is not repeated. */
  parsed?: Map<string, Dict>;
}

export interface Resolution {
  model: Dict;
  /** What could not be resolved and was left out (a missing env_file), one line each, by service. */
  notes: { service: string; note: string }[];
}

class Resolver {
  private readonly yaml: Map<string, Dict>;
  private readonly envs = new Map<string, Env>();
  readonly notes: { service: string; note: string }[] = [];
  constructor(private readonly o: ResolveOptions) {
    this.yaml = new Map(o.parsed);
  }

  read = (file: string) => (this.o.read ?? ((f: string) => readFileSync(f, 'utf8')))(file);

  doc(file: string): Dict {
    let d = this.yaml.get(file);
    if (!d) {
      d = parseYamlObject(this.read(file));
      this.yaml.set(file, d);
    }
    return d;
  }

  /** The variables for a file: its directory's .env (when asked) under the caller's. */
  env(file: string): Env {
    const dir = dirname(file);
    let e = this.envs.get(dir);
    if (!e) {
      let dot: Env = {};
      if (this.o.dotenv) {
        try {
          dot = parseEnv(this.read(join(dir, '.env')));
        } catch {
          dot = {};
        }
      }
      e = { ...dot, ...(this.o.env ?? {}) };
      this.envs.set(dir, e);
    }
    return e;
  }

  deep = (v: unknown, file: string) => interpolateDeep(v, this.env(file), this.o.interpolation ?? RUN_MARKERS);

  /** env_file entries merged under the service's own environment. */
  envFile(service: Dict, file: string, name: string): Dict {
    if (service.env_file === undefined) return service;
    const { env_file, ...rest } = service;
    const entries = ([] as unknown[]).concat(env_file).map((e) => (isObj(e) ? e : { path: e }));
    const vars: Dict<string> = {};
    for (const e of entries) {
      const path = resolve(dirname(file), String(e.path));
      try {
        Object.assign(vars, parseEnv(this.read(path)));
      } catch {
        if (e.required !== false)
          this.notes.push({ service: name, note: `env_file ${String(e.path)} not read: its variables are left out` });
      }
    }
    const own = normalizeService({ environment: rest.environment }).environment ?? {};
    return { ...rest, environment: { ...vars, ...own } };
  }

  service(file: string, name: string, chain: string[] = []): Dict {
    const id = `${file}#${name}`;
    const shown = (x: string) => x.replace(/^(.*)#/, (_m, f: string) => `${basename(f)}#`);
    if (chain.includes(id)) throw new ComposeError(`extends cycle: ${[...chain, id].map(shown).join(' -> ')}`);
    const services = (this.doc(file).services ?? {}) as Dict;
    const raw = services[name];
    if (!(name in services)) throw new ComposeError(`${basename(file)}: no service "${name}" to extend`);
    if (!isObj(raw)) throw new ComposeError(`services.${name} must be a mapping`);
    checkShape(name, raw);
    const { extends: ext, ...own } = this.deep(raw, file) as Dict;
    const self = anchored(this.envFile(own, file, name), dirname(file));
    if (!ext) return self;
    const e = (typeof ext === 'string' ? { service: ext } : ext) as { file?: string; service: string };
    const baseFile = e.file ? resolve(dirname(file), e.file) : file;
    const base = this.service(baseFile, e.service, [...chain, id]);
    // the long and short forms must meet in one shape before Compose's merge rules apply
    const shape = (s: Dict) => {
      const n = normalizeService({ ...s, volumes: undefined, ports: undefined });
      return { ...n, ...(s.volumes ? { volumes: s.volumes } : {}), ...(s.ports ? { ports: s.ports } : {}) };
    };
    return merge(shape(base), shape(self)) as Dict;
  }

  /** Every service of a file and of what it includes. */
  project(file: string, seen: string[] = []): { services: Dict<Dict>; top: Dict } {
    if (seen.includes(file)) throw new ComposeError(`include cycle: ${[...seen, file].map((f) => basename(f)).join(' -> ')}`);
    const top = this.doc(file);
    if (top.services !== undefined && !isObj(top.services)) throw new ComposeError('services must be a mapping');
    const services: Dict<Dict> = {};
    for (const inc of ([] as unknown[]).concat(top.include ?? [])) {
      const paths = ([] as unknown[]).concat(isObj(inc) ? inc.path : inc).map(String);
      for (const p of paths) {
        const sub = this.project(resolve(dirname(file), String(this.deep(p, file))), [...seen, file]);
        for (const [n, s] of Object.entries(sub.services)) {
          if (n in services) throw new ComposeError(`services.${n} conflicts with imported resource`);
          services[n] = s;
        }
      }
    }
    for (const name of Object.keys((top.services ?? {}) as Dict)) {
      if (name in services) throw new ComposeError(`services.${name} conflicts with imported resource`);
      services[name] = this.service(file, name);
    }
    return { services, top };
  }
}

const active = (s: Dict, profiles: string[] | 'all') =>
  profiles === 'all' || !Array.isArray(s.profiles) || s.profiles.some((p) => profiles.includes(String(p)));

/** The resolved model of a compose file, as `docker compose config` would print it (before normalize), and notes. */
export function resolveCompose(file: string, o: ResolveOptions = {}): Resolution {
  const r = new Resolver(o);
  const { services: all, top } = r.project(file);
  const services = Object.fromEntries(Object.entries(all).filter(([, s]) => active(s, o.profiles ?? [])));
  const used = new Set(
    Object.values(services).flatMap((s) =>
      ((s.volumes ?? []) as unknown[]).map(mount).flatMap((m) => (m.type === 'volume' && m.source ? [m.source] : [])),
    ),
  );
  const volumes = Object.fromEntries(Object.entries(r.deep(top.volumes ?? {}, file) as Dict).filter(([k]) => used.has(k)));
  const skip = ['services', 'volumes', 'include'];
  const rest = Object.fromEntries(Object.entries(top).filter(([k]) => !skip.includes(k) && !k.startsWith('x-')));
  return { model: { ...(r.deep(rest, file) as Dict), services, volumes }, notes: r.notes };
}

/** The k8s converter's call: the given environment, per-run markers, the given profiles. */
export const resolveYaml = (file: string, env: Env, profiles: string[] = []): Dict => resolveCompose(file, { env, profiles }).model;

/** Every variable a compose file (and what it extends) needs with no default: the stack's per-run values. */
export function requiredVariables(file: string, seen = new Set<string>()): string[] {
  if (seen.has(file)) return [];
  seen.add(file);
  const doc = parseYamlObject(readFileSync(file, 'utf8'));
  const names = [...JSON.stringify(interpolateDeep(doc, {}, RUN_MARKERS)).matchAll(RUN_VAR_RE)].map((m) => m[1]!);
  const services = (doc.services ?? {}) as Dict<Dict>;
  const bases = Object.values(services).flatMap((s) => (isObj(s?.extends) && s.extends.file ? [String(s.extends.file)] : []));
  return [...new Set([...names, ...bases.flatMap((b) => requiredVariables(resolve(dirname(file), b), seen))])].sort();
}

/** Services left out because none of their profiles is active: service -> its profiles. */
export function inactiveServices(file: string, profiles: string[]): Dict<string[]> {
  const services = (parseYamlObject(readFileSync(file, 'utf8')).services ?? {}) as Dict<Dict>;
  return Object.fromEntries(
    Object.entries(services)
      .filter(([, s]) => Array.isArray(s?.profiles) && !s.profiles.some((p) => profiles.includes(String(p))))
      .map(([n, s]) => [n, (s.profiles as unknown[]).map(String)]),
  );
}
