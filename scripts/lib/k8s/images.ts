// What an image of the catalogue brings that a compose file leaves to it: its HEALTHCHECK (a stack's
// healthcheck often sets only the interval, as compose/hardened.yaml does) and its EXPOSEd ports. Read
// offline from the root compose.yaml (image -> target and build args) and images/Dockerfile (the stages).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from '../config.js';
import { type Dict, type Healthcheck, seconds } from '../compose-file/model.js';

export interface ImageInfo {
  healthcheck?: Healthcheck;
  expose: number[];
  /** Its ENV lines' variables (a sidecar's parameter defaults among them); values as written, quotes removed. */
  env: Record<string, string>;
}

const readYaml = (file: string) => (parse(readFileSync(file, 'utf8'), { merge: true }) ?? {}) as Dict;
/** sidecar-lab/<name>[:tag] -> sidecar-lab/<name> (the catalogue's tag is still ${SIDECAR_LAB_VERSION:-dev}). */
const repository = (image: string) => {
  const slash = image.lastIndexOf('/');
  const colon = image.indexOf(':', slash + 1);
  return colon < 0 ? image : image.slice(0, colon);
};

interface Build {
  target: string;
  args: Dict<string>;
}

/** Catalogue image repository -> its Dockerfile target and build args (extends fragments merged under). */
function catalogue(): Map<string, Build> {
  const file = join(ROOT, 'compose.yaml');
  const out = new Map<string, Build>();
  for (const s of Object.values((readYaml(file).services ?? {}) as Dict<Dict>)) {
    const ext = s.extends as { file?: string; service: string } | undefined;
    const base = ext?.file
      ? (((readYaml(resolve(dirname(file), ext.file)).services as Dict<Dict>)?.[ext.service]?.build ?? {}) as Dict)
      : {};
    const build = (s.build ?? {}) as Dict;
    const args = { ...(base.args as Dict<string>), ...(build.args as Dict<string>) };
    if (typeof s.image === 'string' && build.target) out.set(repository(s.image), { target: String(build.target), args });
  }
  return out;
}

interface Stage {
  name: string;
  from: string;
  lines: string[];
}

function stages(text: string): Stage[] {
  const out: Stage[] = [];
  const logical = text.replace(/\\\n/g, ' ').split('\n');
  for (const raw of logical) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) out.push({ from: from[1]!, name: from[2] ?? '', lines: [] });
    else out.at(-1)?.lines.push(line);
  }
  return out;
}

/** ENV K="v" K2=v2 (the key=value form; a value with ${...} is left out, since the build fills it in). */
export function dockerEnv(args: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|\S*)/g)) {
    const v = m[2]!.startsWith('"') ? m[2]!.slice(1, -1).replace(/\\(.)/g, '$1') : m[2]!;
    if (!v.includes('$')) out[m[1]!] = v;
  }
  return out;
}

/** HEALTHCHECK [--interval=..] [--timeout=..] [--start-period=..] [--start-interval=..] [--retries=..] CMD ... | NONE */
export function dockerHealthcheck(args: string): Healthcheck {
  if (/^NONE\b/i.test(args)) return { test: ['NONE'] };
  const h: Healthcheck = {};
  let rest = args;
  for (let m = /^--([\w-]+)=(\S+)\s+/.exec(rest); m; m = /^--([\w-]+)=(\S+)\s+/.exec(rest)) {
    const key = m[1]!.replace('-', '_') as 'interval' | 'timeout' | 'start_period' | 'start_interval' | 'retries';
    if (key === 'retries') h.retries = Number(m[2]);
    else h[key] = seconds(m[2]);
    rest = rest.slice(m[0].length);
  }
  const cmd = rest.replace(/^CMD\s+/i, '');
  try {
    const exec: unknown = JSON.parse(cmd);
    if (Array.isArray(exec)) return { ...h, test: ['CMD', ...exec.map(String)] };
  } catch {
    // the shell form
  }
  return { ...h, test: ['CMD-SHELL', cmd] };
}

let cache: Map<string, ImageInfo> | undefined;

/** What the catalogue's Dockerfile gives an image, or undefined for an image not built here. */
export function imageInfo(image: string | undefined): ImageInfo | undefined {
  if (!image) return undefined;
  if (!cache) {
    cache = new Map();
    const dockerfile = join(ROOT, 'images', 'Dockerfile');
    const all = existsSync(dockerfile) ? stages(readFileSync(dockerfile, 'utf8')) : [];
    for (const [repo, build] of catalogue()) {
      const chain: Stage[] = [];
      for (let s = all.find((x) => x.name === build.target); s && !chain.includes(s); s = all.find((x) => x.name === s!.from))
        chain.unshift(s);
      const info: ImageInfo = { expose: [], env: {} };
      for (const line of chain.flatMap((s) => s.lines)) {
        const [op = '', rest = ''] = line.split(/\s+(.*)/s);
        if (/^HEALTHCHECK$/i.test(op)) info.healthcheck = dockerHealthcheck(rest);
        if (/^ENV$/i.test(op)) Object.assign(info.env, dockerEnv(rest));
        if (/^EXPOSE$/i.test(op)) {
          const ports = rest.replace(/\$\{?(\w+)\}?/g, (_m, v: string) => build.args[v] ?? '');
          info.expose.push(
            ...ports
              .split(/\s+/)
              .filter(Boolean)
              .map((p) => Number(p.split('/')[0])),
          );
        }
      }
      cache.set(repo, info);
    }
  }
  return cache.get(repository(image));
}
