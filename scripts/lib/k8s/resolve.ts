// A stack's compose file as one resolved model. Preferred: `docker compose config --format json` (Compose
// itself resolves extends, interpolation and profiles; it needs no engine). Without Docker: the YAML
// resolver (scripts/lib/compose-file/resolve.ts). Either way the per-run variables (required, unset) become markers first.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { parse as parseEnv } from 'dotenv';
import { ROOT } from '../config.js';
import { type Dict, type Model, normalize, runVarMarker } from '../compose-file/model.js';
import { inactiveServices, requiredVariables, resolveYaml } from '../compose-file/resolve.js';

export type Resolver = 'docker' | 'yaml';

export interface Resolved {
  stack: string;
  /** What the user named: the stack, or the path of their compose file (default: stack). */
  arg?: string;
  /** The compose file, repo-relative, or as the user gave it (it prefixes every warning). */
  file: string;
  model: Model;
  /** Services of a profile that is not active: service -> its profiles. */
  inactive: Dict<string[]>;
  resolver: Resolver;
}

export interface ResolveOptions {
  env?: Dict<string | undefined>;
  profiles?: string[];
  /** Which resolver; default: docker when `docker compose` runs here, else yaml. */
  resolver?: Resolver;
}

export const composeFileOf = (stack: string) => join(ROOT, 'stacks', stack, 'compose.yaml');

let dockerHere: boolean | undefined;
export function dockerComposeAvailable(): boolean {
  if (dockerHere === undefined) {
    try {
      execFileSync('docker', ['compose', 'version'], { stdio: 'ignore', timeout: 20_000 });
      dockerHere = true;
    } catch {
      dockerHere = false;
    }
  }
  return dockerHere;
}

const defined = (env: Dict<string | undefined>) =>
  Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as Dict<string>;

/** Compose's own resolution; its output escapes $ as $$, undone here. */
function viaDocker(file: string, env: Dict<string | undefined>, profiles: string[]): Dict {
  const args = ['compose', '-f', file, ...profiles.flatMap((p) => ['--profile', p]), 'config', '--format', 'json'];
  const out = execFileSync('docker', args, {
    cwd: dirname(file),
    env: defined({ PATH: process.env.PATH, HOME: process.env.HOME, DOCKER_HOST: process.env.DOCKER_HOST, ...env }),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000,
  });
  const unescape = (v: unknown): unknown =>
    typeof v === 'string'
      ? v.replace(/\$\$/g, '$')
      : Array.isArray(v)
        ? v.map(unescape)
        : v && typeof v === 'object'
          ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unescape(x)]))
          : v;
  return unescape(JSON.parse(out)) as Dict;
}

export function resolveStack(stack: string, o: ResolveOptions = {}): Resolved {
  const file = composeFileOf(stack);
  return resolveAt(file, stack, relative(ROOT, file), o);
}

/** A user's compose file (`k8s FILE`): named after its directory, read with the .env beside it as Compose does
 * (the caller's environment wins over it); `shown` is the path as the user gave it. */
export function resolveFile(path: string, shown: string, o: ResolveOptions = {}): Resolved {
  const file = resolve(path);
  const dotenv = join(dirname(file), '.env');
  const env = { ...(existsSync(dotenv) ? parseEnv(readFileSync(dotenv)) : {}), ...(o.env ?? {}) };
  const name =
    basename(dirname(file))
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'app';
  return { ...resolveAt(file, name, shown, { ...o, env }), arg: shown };
}

function resolveAt(file: string, stack: string, shown: string, o: ResolveOptions): Resolved {
  const profiles = o.profiles ?? [];
  const resolver = o.resolver ?? (dockerComposeAvailable() ? 'docker' : 'yaml');
  const given = o.env ?? {};
  const markers = Object.fromEntries(requiredVariables(file).flatMap((v) => (given[v] === undefined ? [[v, runVarMarker(v)]] : [])));
  const env = { ...given, ...markers };
  const raw = resolver === 'docker' ? viaDocker(file, env, profiles) : resolveYaml(file, env, profiles);
  return { stack, file: shown, model: normalize(raw), inactive: inactiveServices(file, profiles), resolver };
}

/** Every stack with a compose file (a stack in progress may not have its scenario yet). */
export const stacksWithCompose = () =>
  readdirSync(join(ROOT, 'stacks'))
    .filter((s) => existsSync(composeFileOf(s)))
    .sort();
