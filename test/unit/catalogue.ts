// The image catalogue as the unit tests read it, without Docker: compose.yaml's services (their
// `extends` fragments merged in, as Compose does) and what images/Dockerfile gives each target,
// with build args substituted and ARG scoped per stage, as BuildKit does.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from '../../scripts/lib/config.js';

type Dict = Record<string, string>;
interface ComposeBuild {
  context?: string;
  dockerfile?: string;
  target?: string;
  args?: Dict;
  labels?: Dict;
}
export interface ComposeService {
  image?: string;
  build?: ComposeBuild;
  user?: string;
  group_add?: (string | number)[];
  extends?: { file: string; service: string };
  [key: string]: unknown;
}
export interface ComposeFile {
  services?: Record<string, ComposeService>;
  volumes?: Record<string, { driver_opts?: { o?: string } } | null>;
}

export const readYaml = <T>(path: string): T => parse(readFileSync(path, 'utf8'), { merge: true }) as T;

/** Compose's interpolation with every variable unset: ${X:-default} is the default, ${X} is empty. */
export const interpolate = (s: string) => s.replace(/\$\{(\w+)(?::?-([^}]*))?\}/g, (_, _name: string, def?: string) => def ?? '');

export interface CatalogueImage {
  service: string;
  image: string;
  /** Compose profiles: `catalogue` for what `npm run images` builds, `ci` for CI's own runner. */
  profiles: string[];
  build: Required<ComposeBuild>;
}

/** The services of the root compose.yaml, with the build args and labels of what they extend merged under theirs. */
export function catalogue(): CatalogueImage[] {
  const file = join(ROOT, 'compose.yaml');
  const services = readYaml<ComposeFile>(file).services ?? {};
  return Object.entries(services).map(([service, s]) => {
    let base: ComposeBuild = {};
    if (s.extends) base = readYaml<ComposeFile>(join(dirname(file), s.extends.file)).services?.[s.extends.service]?.build ?? {};
    const b = s.build ?? {};
    return {
      service,
      image: s.image ?? '',
      profiles: (s.profiles as string[] | undefined) ?? [],
      build: {
        context: b.context ?? base.context ?? '',
        dockerfile: b.dockerfile ?? base.dockerfile ?? 'Dockerfile',
        target: b.target ?? base.target ?? '',
        args: { ...base.args, ...b.args },
        labels: { ...base.labels, ...b.labels },
      },
    };
  });
}

export interface Instruction {
  op: string;
  args: string;
  line: number;
}
export interface Stage {
  name: string;
  from: string;
  instructions: Instruction[];
  comment: string;
}

/** A Dockerfile's stages: continuation lines joined, comment lines kept only as each stage's preceding comment. */
export function stages(text: string): Stage[] {
  const out: Stage[] = [];
  let comment: string[] = [];
  let pending = '',
    start = 0;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line.startsWith('#')) {
      if (!pending) comment.push(line.replace(/^#\s?/, ''));
      return;
    }
    if (!line && !pending) {
      comment = [];
      return;
    }
    if (!pending) start = i + 1;
    pending += (pending ? ' ' : '') + line.replace(/\\$/, '').trim();
    if (line.endsWith('\\')) return;
    const [, op = '', args = ''] = /^(\S+)\s*(.*)$/.exec(pending) ?? [];
    pending = '';
    if (op.toUpperCase() === 'FROM') {
      const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      out.push({ from: m?.[1] ?? args, name: m?.[2] ?? '', instructions: [], comment: comment.join(' ') });
    } else if (out.length) {
      out.at(-1)!.instructions.push({ op: op.toUpperCase(), args, line: start });
    }
    comment = [];
  });
  return out;
}

/** What a target of the Dockerfile ends up with: the chain of stages it builds on, and the image config. */
export interface Resolved {
  chain: Stage[];
  user?: string;
  healthcheck?: string;
  entrypoint?: string;
  expose: string[];
  env: Dict;
}

/** ${NAME}, ${NAME:-default} and $NAME from the stage's ARGs. */
const substitute = (s: string, scope: Dict) =>
  s.replace(/\$\{(\w+)(?::-([^}]*))?\}|\$(\w+)/g, (_, a?: string, def?: string, b?: string) => scope[(a ?? b)!] || def || '');

const unquote = (s: string) => s.replace(/^"(.*)"$/, '$1');

export function resolve(all: Stage[], target: string, args: Dict): Resolved {
  const chain: Stage[] = [];
  for (let name: string | undefined = target; name; ) {
    const stage = all.find((s) => s.name === name);
    if (!stage) throw new Error(`no stage ${name} in the Dockerfile`);
    if (chain.includes(stage)) throw new Error(`stage ${name} builds on itself`);
    chain.unshift(stage);
    name = all.some((s) => s.name === stage.from) ? stage.from : undefined;
  }
  const r: Resolved = { chain, expose: [], env: {} };
  for (const stage of chain) {
    const scope: Dict = {}; // an ARG counts in the stage that declares it, not in the stages built on it
    for (const { op, args: text } of stage.instructions) {
      if (op === 'ARG') {
        const [name = '', def] = text.split(/=(.*)/s);
        scope[name] = name in args ? args[name]! : unquote(def ?? '');
      } else if (op === 'USER') r.user = substitute(text, scope);
      else if (op === 'HEALTHCHECK') r.healthcheck = text;
      else if (op === 'ENTRYPOINT') r.entrypoint = text;
      else if (op === 'EXPOSE') r.expose.push(...substitute(text, scope).split(/\s+/).filter(Boolean));
      else if (op === 'ENV') {
        for (const m of text.matchAll(/(\w+)=("(?:[^"\\]|\\.)*"|\S*)/g)) r.env[m[1]!] = substitute(unquote(m[2]!), scope);
      }
    }
  }
  return r;
}

/** An exec-form command (a JSON array of strings), or undefined for the shell form. */
export function execForm(text: string | undefined): string[] | undefined {
  try {
    const v: unknown = JSON.parse(text ?? '');
    return Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string') ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Every compose file of the stacks and the shared fragments, repo-relative. */
export function composeFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const rel = join(dir, e.name);
      if (e.isDirectory()) walk(rel);
      else if (/^compose[\w.-]*\.ya?ml$/.test(e.name)) out.push(rel);
    }
  };
  walk('stacks');
  walk('compose');
  return out.sort();
}

/** The stack a compose file belongs to: stacks/<stack>/..., or the folder name for the shared fragments. */
export const stackOf = (file: string) => (file.startsWith('stacks/') ? file.split('/')[1]! : dirname(file));

/** sidecar-lab/<name>:<tag> -> <name>. */
export const imageName = (image: string | undefined) => /^sidecar-lab\/([\w.-]+)(?::|$)/.exec(image ?? '')?.[1];
