// What a sidecar needs to join a pod, as DATA the sidecar declares in sidecars/<name>/attach.json
// (or attach.yaml): its image, the ports it listens on in the pod, its env, the directories it
// mounts, a per-run secret file, its healthcheck and the inputs only its user can give (a certs
// directory, the app's port). `--with NAME` (scripts/lib/attach.ts) and `npm run inject`
// (scripts/lib/inject/) read it. The runner imports no code from a sidecar.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import YAML from 'yaml';
import { ROOT } from './config.js';

export interface Dir {
  /** Where the sidecar sees it (an absolute container path). */
  mount: string;
  /** false (default): a fresh host directory of the run, the sidecar's alone. true: a named volume every pod member mounts at the same path. */
  shared?: boolean;
  readOnly?: boolean;
  /** A host directory the user gives, as the value of this input (bind-mounted; neither private nor shared). */
  input?: string;
  /** When the input is not given, `inject` has this one-shot image fill the dir first instead (see Issuer). */
  issuedBy?: Issuer;
}

/** An image we build that fills an input's dir and exits (cert-init: a self-signed certificate), so that inject's
 * output runs as it is. inject adds it as <app>-<image name>, mounting a named volume at the dir's mount. */
export interface Issuer {
  image: string;
  /** What it writes, as a noun phrase: "a self-signed certificate for localhost". */
  about: string;
  /** The group the files are readable by, which the sidecar joins (group_add). */
  group?: number;
}

/** Something only the sidecar's user knows. Its value: given (`inject --set NAME=VALUE`), else its default
 * (when every placeholder in it is known), else a Compose `${ENV:?…}` placeholder that asks for it. */
export interface Input {
  /** What to give, as a noun phrase: "a host directory holding tls.crt and tls.key". */
  about: string;
  /** May use `{{app.port}}`: the first container port the app publishes or exposes (inject knows it). */
  default?: string;
  /** The env var the placeholder asks for (inject prefixes it with the app's name). */
  env?: string;
}

export interface Healthcheck {
  test?: string[];
  interval?: string;
  timeout?: string;
  retries?: number;
  start_period?: string;
}

export interface Attachment {
  /** The sidecar's folder name, also its compose service name. */
  name: string;
  image: string;
  /** Container ports it listens on inside the pod, by name. The runner moves them all up together past ports the pod already uses. */
  listens: Record<string, number>;
  /** The listener published on the pod's 127.0.0.1, and the env var that pins its host port (ephemeral when unset). */
  publish?: { port: string; hostPortEnv: string };
  /** Inputs by name; `{{input.NAME}}` in env and `"input": NAME` in dirs use them. */
  inputs: Record<string, Input>;
  /** Its environment. `{{port.NAME}}` is the container port listener NAME got; `{{dir.NAME}}` is where dir NAME is mounted;
   * `{{input.NAME}}` is input NAME's value. */
  env: Record<string, string>;
  /** Directories it mounts (never single files), by name. */
  dirs: Record<string, Dir>;
  /** A fresh random secret written into a private dir before start, owned by the sidecar's uid. */
  secret?: { dir: string; file: string; uid: number };
  /** Merged over the image's HEALTHCHECK (the pod's members wait until it is healthy). */
  healthcheck?: Healthcheck;
  /** Lines `up` prints; `{{url}}` is the published listener's address, `{{secret}}` the secret file on the host. */
  hints?: string[];
}

const FILES = ['attach.json', 'attach.yaml'];
const KEYS = ['$comment', 'image', 'listens', 'publish', 'inputs', 'env', 'dirs', 'secret', 'healthcheck', 'hints'];
const HEALTH_KEYS = ['test', 'interval', 'timeout', 'retries', 'start_period'];

const declarationOf = (name: string) => FILES.map((f) => join(ROOT, 'sidecars', name, f)).find((f) => existsSync(f));

/** Sidecars that declare how to attach them. */
export function attachableNames(): string[] {
  return readdirSync(join(ROOT, 'sidecars'))
    .filter((n) => declarationOf(n))
    .sort();
}

/** Replaces each `{{key}}` with vars[key]; an unknown key is an error that names it. */
export function fill(text: string, vars: Record<string, string>): string {
  return text.replace(/\{\{\s*([\w.-]+)\s*\}\}/g, (_, key: string) => {
    if (!(key in vars))
      throw new Error(
        `unknown placeholder {{${key}}} (known: ${Object.keys(vars)
          .map((k) => `{{${k}}}`)
          .join(', ')})`,
      );
    return vars[key]!;
  });
}

/** The placeholders env values may use, given the ports, mounts and input values (also used to validate a declaration). */
export function envVars(
  a: Pick<Attachment, 'dirs'>,
  ports: Record<string, number>,
  inputs: Record<string, string> = {},
): Record<string, string> {
  return {
    ...Object.fromEntries(Object.entries(ports).map(([k, p]) => [`port.${k}`, String(p)])),
    ...Object.fromEntries(Object.entries(a.dirs).map(([k, d]) => [`dir.${k}`, d.mount])),
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`input.${k}`, v])),
  };
}

const tryFill = (text: string, vars: Record<string, string>) => {
  try {
    return fill(text, vars);
  } catch {
    return undefined;
  }
};

/** The value of each input (see Input); `app` fills `{{app.port}}`, `envPrefix` keeps several pods in one file apart. */
export function resolveInputs(
  a: Pick<Attachment, 'name' | 'inputs'>,
  o: { given?: Record<string, string>; app?: Record<string, string>; envPrefix?: string } = {},
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(a.inputs ?? {}).map(([k, input]) => {
      const value = o.given?.[k] ?? (input.default === undefined ? undefined : tryFill(input.default, o.app ?? {}));
      if (value !== undefined) return [k, value];
      if (!input.env) throw new Error(`${a.name} needs its input ${k} (${input.about}): give it with --set ${k}=VALUE`);
      const env = `${o.envPrefix ?? ''}${input.env}`;
      return [k, `\${${env}:?set ${env} to ${input.about}}`];
    }),
  );
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isPort = (p: unknown) => Number.isInteger(p) && (p as number) >= 1 && (p as number) <= 65535;

/** Checks a parsed declaration; the first problem is thrown as one line naming its file and the field. */
export function parseAttachment(name: string, doc: unknown, file = `sidecars/${name}/attach.json`): Attachment {
  const rule = (ok: boolean, what: string) => {
    if (!ok) throw new Error(`${file}: ${what}`);
  };
  rule(isObject(doc), 'must be an object');
  const d = doc as Record<string, unknown>;
  const extra = Object.keys(d).filter((k) => !KEYS.includes(k));
  rule(!extra.length, `unknown field(s) ${extra.join(', ')} (known: ${KEYS.slice(1).join(', ')})`);
  const a = { name, inputs: {}, env: {}, dirs: {}, hints: [], ...d } as unknown as Attachment;
  rule(typeof a.image === 'string' && a.image !== '', 'image must be a non-empty string');
  rule(isObject(a.listens) && Object.keys(a.listens).length > 0, 'listens must name at least one port, e.g. { "http": 9700 }');
  for (const [k, p] of Object.entries(a.listens)) rule(isPort(p), `listens.${k} must be a port 1-65535, not ${JSON.stringify(p)}`);
  if (a.publish !== undefined) {
    rule(isObject(a.publish) && a.publish.port in a.listens, `publish.port must be one of listens (${Object.keys(a.listens).join(', ')})`);
    rule(/^[A-Z_][A-Z0-9_]*$/.test(String(a.publish.hostPortEnv)), 'publish.hostPortEnv must be an env var name, e.g. TOPZ_PORT');
  }
  rule(isObject(a.inputs), 'inputs must be an object of { "about": "...", "default": "...", "env": "VAR" }');
  for (const [k, input] of Object.entries(a.inputs)) {
    rule(/^[a-z][a-z0-9-]*$/.test(k) && isObject(input), `inputs.${k}: a lower-case name with an object of about, default, env`);
    rule(typeof input.about === 'string' && /^[^{}$]+$/.test(input.about), `inputs.${k}.about must be text without { } or $`);
    rule(input.default !== undefined || input.env !== undefined, `inputs.${k} needs a default or an env var to ask for`);
    rule(input.env === undefined || /^[A-Z_][A-Z0-9_]*$/.test(String(input.env)), `inputs.${k}.env must be an env var name`);
    if (input.default !== undefined) rule(typeof input.default === 'string', `inputs.${k}.default must be a string`);
  }
  rule(isObject(a.dirs), 'dirs must be an object of { "mount": "/abs/path" }');
  for (const [k, dir] of Object.entries(a.dirs)) {
    rule(isObject(dir) && typeof dir.mount === 'string' && dir.mount.startsWith('/'), `dirs.${k}.mount must be an absolute container path`);
    if (dir.input !== undefined)
      rule(dir.input in a.inputs && !dir.shared, `dirs.${k}.input must name an input (and the dir not be shared)`);
    if (dir.issuedBy !== undefined) {
      const i = dir.issuedBy;
      rule(dir.input !== undefined && isObject(i), `dirs.${k}.issuedBy needs dirs.${k}.input (it stands in for that input)`);
      rule(typeof i.image === 'string' && i.image !== '' && typeof i.about === 'string', `dirs.${k}.issuedBy needs an image and an about`);
      rule(i.group === undefined || (Number.isInteger(i.group) && i.group >= 0), `dirs.${k}.issuedBy.group must be a group id`);
    }
  }
  if (a.secret !== undefined) {
    rule(
      isObject(a.secret) && isObject(a.dirs[a.secret.dir]) && !a.dirs[a.secret.dir]!.shared && !a.dirs[a.secret.dir]!.input,
      'secret.dir must name a private (not shared) entry of dirs',
    );
    rule(/^[\w.-]+$/.test(String(a.secret.file)), 'secret.file must be a plain file name');
    rule(Number.isInteger(a.secret.uid) && a.secret.uid >= 0, 'secret.uid must be the uid the sidecar runs as');
  }
  rule(
    a.healthcheck === undefined || (isObject(a.healthcheck) && Object.keys(a.healthcheck).every((k) => HEALTH_KEYS.includes(k))),
    `healthcheck may only set ${HEALTH_KEYS.join(', ')}`,
  );
  rule(isObject(a.env) && Object.values(a.env).every((v) => typeof v === 'string'), 'env values must be strings');
  rule(Array.isArray(a.hints) && a.hints.every((h) => typeof h === 'string'), 'hints must be strings');
  const placeholders = (text: string, vars: Record<string, string>, where: string) => {
    try {
      fill(text, vars);
    } catch (e) {
      rule(false, `${where}: ${(e as Error).message}`);
    }
  };
  const inputNames = Object.fromEntries(Object.keys(a.inputs).map((k) => [k, '']));
  for (const [k, v] of Object.entries(a.env)) placeholders(v, envVars(a, a.listens, inputNames), `env.${k}`);
  for (const [k, input] of Object.entries(a.inputs))
    if (input.default !== undefined) placeholders(input.default, { 'app.port': '' }, `inputs.${k}.default`);
  for (const h of a.hints ?? []) placeholders(h, { url: '', secret: '' }, 'hints');
  return a;
}

/** Reads and checks sidecars/<name>/attach.json (or .yaml). */
export function loadAttachment(name: string): Attachment {
  const file = /^[a-z0-9-]+$/.test(name) ? declarationOf(name) : undefined;
  if (!file)
    throw new Error(
      `--with ${name}: not an attachable sidecar (one with sidecars/<name>/attach.json): ${attachableNames().join(', ') || 'none'}`,
    );
  return parseAttachment(name, YAML.parse(readFileSync(file, 'utf8')), relative(ROOT, file));
}
