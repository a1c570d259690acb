// What a sidecar needs to join a pod, as DATA the sidecar declares in sidecars/<name>/attach.json
// (or attach.yaml): its image, the ports it listens on in the pod, its env, the directories it
// mounts, a per-run secret file and its healthcheck. `--with NAME` (scripts/lib/attach.ts) reads it;
// so can anything else that adds a sidecar to a pod. The runner imports no code from a sidecar.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { ROOT } from './config.js';

export interface Dir {
  /** Where the sidecar sees it (an absolute container path). */
  mount: string;
  /** false (default): a fresh host directory of the run, the sidecar's alone. true: a named volume every pod member mounts at the same path. */
  shared?: boolean;
  readOnly?: boolean;
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
  /** Its environment. `{{port.NAME}}` is the container port listener NAME got; `{{dir.NAME}}` is where dir NAME is mounted. */
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
const KEYS = ['$comment', 'image', 'listens', 'publish', 'env', 'dirs', 'secret', 'healthcheck', 'hints'];
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

/** The placeholders env values may use, given the ports and mounts (also used to validate a declaration). */
export function envVars(a: Pick<Attachment, 'dirs'>, ports: Record<string, number>): Record<string, string> {
  return {
    ...Object.fromEntries(Object.entries(ports).map(([k, p]) => [`port.${k}`, String(p)])),
    ...Object.fromEntries(Object.entries(a.dirs).map(([k, d]) => [`dir.${k}`, d.mount])),
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isPort = (p: unknown) => Number.isInteger(p) && (p as number) >= 1 && (p as number) <= 65535;

/** Checks a parsed declaration; the first problem is thrown as one line naming the field. */
export function parseAttachment(name: string, doc: unknown): Attachment {
  const rule = (ok: boolean, what: string) => {
    if (!ok) throw new Error(`sidecars/${name}/attach: ${what}`);
  };
  rule(isObject(doc), 'must be an object');
  const d = doc as Record<string, unknown>;
  const extra = Object.keys(d).filter((k) => !KEYS.includes(k));
  rule(!extra.length, `unknown field(s) ${extra.join(', ')} (known: ${KEYS.slice(1).join(', ')})`);
  const a = { name, env: {}, dirs: {}, hints: [], ...d } as unknown as Attachment;
  rule(typeof a.image === 'string' && a.image !== '', 'image must be a non-empty string');
  rule(isObject(a.listens) && Object.keys(a.listens).length > 0, 'listens must name at least one port, e.g. { "http": 9700 }');
  for (const [k, p] of Object.entries(a.listens)) rule(isPort(p), `listens.${k} must be a port 1-65535, not ${JSON.stringify(p)}`);
  if (a.publish !== undefined) {
    rule(isObject(a.publish) && a.publish.port in a.listens, `publish.port must be one of listens (${Object.keys(a.listens).join(', ')})`);
    rule(/^[A-Z_][A-Z0-9_]*$/.test(String(a.publish.hostPortEnv)), 'publish.hostPortEnv must be an env var name, e.g. TOPZ_PORT');
  }
  rule(isObject(a.dirs), 'dirs must be an object of { "mount": "/abs/path" }');
  for (const [k, dir] of Object.entries(a.dirs))
    rule(isObject(dir) && typeof dir.mount === 'string' && dir.mount.startsWith('/'), `dirs.${k}.mount must be an absolute container path`);
  if (a.secret !== undefined) {
    rule(
      isObject(a.secret) && isObject(a.dirs[a.secret.dir]) && !a.dirs[a.secret.dir]!.shared,
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
  for (const [k, v] of Object.entries(a.env)) placeholders(v, envVars(a, a.listens), `env.${k}`);
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
  return parseAttachment(name, YAML.parse(readFileSync(file, 'utf8')));
}
