// What verify will run, decided before anything starts: Compose's own reading of the user's file
// (`docker compose config`), the services asked for, what would be unsafe to start, and the changes that
// let the file run beside everything else (no container_name, published ports ephemeral on 127.0.0.1).
// Every refusal is a BadInput: one line, exit 2, and nothing has been started.
import { writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ComposeError, imagePresent, Project } from '../compose.js';
import { parseYamlDocuments } from '../compose-file/yaml.js';
import { readText } from '../identify/read.js';

/** Bad input: verify exits 2 with this one line. */
export class BadInput extends Error {}

type Dict = Record<string, unknown>;
export interface ComposeService extends Dict {
  image?: string;
  build?: unknown;
  container_name?: string;
  ports?: { target: number; published?: string; host_ip?: string; protocol?: string; mode?: string }[];
  expose?: string[];
  network_mode?: string;
  pid?: string;
  ipc?: string;
  privileged?: boolean;
  restart?: string;
  depends_on?: Record<string, { condition: string }>;
  volumes?: { type: string; source?: string; target: string }[];
  healthcheck?: { disable?: boolean; test?: unknown };
}
export interface ComposeConfig extends Dict {
  services: Record<string, ComposeService>;
}

export interface Inputs {
  file: string;
  project: string;
  env: Record<string, string>;
  envFile?: string;
  services: string[];
  allowPrivileged: boolean;
}

export interface Plan {
  /** The file as Compose reads it, every service: what identify reads. */
  resolved: ComposeConfig;
  /** The file as verify runs it (isolate). */
  config: ComposeConfig;
  /** The services that will run: those asked for, with what they depend on and the namespaces they join. */
  services: string[];
  /** What was changed so that the file runs beside everything else, one sentence each. */
  changes: string[];
  /** Services that run with more than a pod should have (allowed by --allow-privileged), one sentence each. */
  privileged: string[];
}

/** A Kubernetes manifest given to verify: the one-line refusal. */
export function refuseManifest(file: string): void {
  let docs: unknown[];
  try {
    docs = parseYamlDocuments(readText(file, [dirname(file)]));
  } catch {
    return; // Compose's own reading says what is wrong with it
  }
  const k8s = docs.some((d) => typeof d === 'object' && d !== null && 'apiVersion' in d && 'kind' in d);
  if (k8s)
    throw new BadInput(`${basename(file)} is a Kubernetes manifest: verify runs Compose files; \`identify --strict\` lints manifests`);
}

/** Compose's reading of the file, fully interpolated, under the run's project name. */
export async function composeConfig(i: Inputs): Promise<ComposeConfig> {
  try {
    return await new Project({
      project: i.project,
      cwd: dirname(i.file),
      files: [i.file],
      env: i.env,
      envFile: i.envFile,
    }).config<ComposeConfig>();
  } catch (e) {
    if (!(e instanceof ComposeError)) throw e;
    const why = (e.stderr || e.stdout).trim().split('\n').filter(Boolean).pop() ?? `exit ${e.exitCode}`;
    throw new BadInput(`docker compose config rejects ${basename(i.file)}: ${why}`);
  }
}

/** The services whose namespaces this one joins (network_mode, pid, ipc: service:X). */
export const joinsOf = (s: ComposeService) =>
  [s.network_mode, s.pid, s.ipc].flatMap((v) => (typeof v === 'string' && v.startsWith('service:') ? [v.slice(8)] : []));

/** The services asked for, closed over depends_on and namespace joins (what Compose starts with them). */
export function selectServices(config: ComposeConfig, asked: string[], file: string): string[] {
  const all = Object.keys(config.services);
  const unknown = asked.filter((s) => !all.includes(s));
  if (unknown.length) throw new BadInput(`--service ${unknown[0]}: no such service in ${basename(file)} (it has ${all.join(', ')})`);
  if (!asked.length) return all;
  const chosen = new Set<string>();
  const add = (n: string) => {
    if (chosen.has(n) || !config.services[n]) return;
    chosen.add(n);
    const s = config.services[n]!;
    for (const d of [...Object.keys(s.depends_on ?? {}), ...joinsOf(s)]) add(d);
  };
  for (const n of asked) add(n);
  return all.filter((n) => chosen.has(n));
}

const SOCKET = /(^|\/)docker\.sock$/;

/** Services that a pod should never need, one sentence each. */
export function privilegedServices(config: ComposeConfig, services: string[]): string[] {
  const out: string[] = [];
  for (const n of services) {
    const s = config.services[n]!;
    if (s.privileged) out.push(`${n} is privileged`);
    for (const v of s.volumes ?? []) if (v.source && SOCKET.test(v.source)) out.push(`${n} mounts the Docker socket (${v.source})`);
    for (const key of ['network_mode', 'pid', 'ipc', 'userns_mode', 'uts'])
      if (s[key] === 'host') out.push(`${n} is in the host's ${key === 'network_mode' ? 'network' : key} namespace (${key}: host)`);
  }
  return out;
}

/** The file as verify runs it: fixed names and host ports taken out. Returns the changes, in sentences. */
export function isolate(config: ComposeConfig, services: string[]): string[] {
  const changes: string[] = [];
  const byContainer = new Map<string, string>();
  delete config.name;
  for (const [n, s] of Object.entries(config.services)) {
    if (!services.includes(n)) {
      delete config.services[n];
      continue;
    }
    if (s.container_name) {
      changes.push(`${n}: container_name "${s.container_name}" dropped for this run`);
      byContainer.set(s.container_name, n);
      delete s.container_name;
    }
    for (const p of s.ports ?? []) {
      const was = [p.host_ip, p.published].filter(Boolean).join(':');
      if (p.published || (p.host_ip && p.host_ip !== '127.0.0.1'))
        changes.push(`${n}: port ${p.target} published on ${was || 'every address'} → an ephemeral port on 127.0.0.1`);
      delete p.published;
      p.host_ip = '127.0.0.1';
    }
  }
  // A join by container name must now join by service name: the name is gone.
  for (const s of Object.values(config.services))
    for (const key of ['network_mode', 'pid', 'ipc'] as const) {
      const m = typeof s[key] === 'string' ? /^container:(.+)$/.exec(s[key]) : null;
      if (m && byContainer.has(m[1]!)) s[key] = `service:${byContainer.get(m[1]!)}`;
    }
  return changes;
}

/** The images the services need that this engine does not have (never pulled), or a service with none. */
export async function missingImages(config: ComposeConfig): Promise<string[]> {
  const missing: string[] = [];
  for (const [n, s] of Object.entries(config.services)) {
    if (!s.image)
      throw new BadInput(
        `service ${n} has no image name: verify never builds; give it an image: and build it first (docker compose build)`,
      );
    if (!(await imagePresent(s.image))) missing.push(`${s.image} (service ${n})`);
  }
  return missing;
}

/** `log` hears of each privileged service that --allow-privileged lets through, before anything else can fail. */
export async function plan(i: Inputs, log: (line: string) => void = () => undefined): Promise<Plan> {
  refuseManifest(i.file);
  const config = await composeConfig(i);
  const services = selectServices(config, i.services, i.file);
  const privileged = privilegedServices(config, services);
  if (privileged.length && !i.allowPrivileged)
    throw new BadInput(`${privileged.join('; ')}: verify starts such services only with --allow-privileged`);
  for (const p of privileged) log(`verify: --allow-privileged: starting it although ${p}`);
  const resolved = structuredClone(config);
  const changes = isolate(config, services);
  const missing = await missingImages(config);
  if (missing.length)
    throw new BadInput(`not present on this engine, and verify never pulls: ${missing.join(', ')}; build or pull them first`);
  return { resolved, config, services, changes, privileged };
}

/** Writes the run's compose file (JSON is YAML) into the run's directory; returns its path. */
export function writeRunFile(state: string, config: ComposeConfig): string {
  const path = join(state, 'verify.compose.json');
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`);
  return path;
}
