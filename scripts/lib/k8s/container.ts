// One compose service as one Kubernetes container: image, command, env, securityContext, resources and
// probes. A per-run variable (marker from resolve.ts) in env or the command is read from Secret run-vars.
import type { Container, EnvVar, SecurityContext } from 'kubernetes-types/core/v1.js';
import { RUN_VAR_RE, type Service } from '../compose-file/model.js';
import { literal, probes } from './probes.js';
import { dnsName } from './volumes.js';
import type { Warnings } from './warnings.js';

export const RUN_VARS_SECRET = 'run-vars';
export type Role = 'app' | 'sidecar' | 'job';

const fromSecret = (name: string): EnvVar => ({ name, valueFrom: { secretKeyRef: { name: RUN_VARS_SECRET, key: name } } });
const perRun = (v: string) =>
  `\${${v}} is set per run: read from Secret ${RUN_VARS_SECRET}, key ${v}, which you create (kubectl create secret generic ${RUN_VARS_SECRET} --from-literal=${v}=...)`;

/** Text with per-run markers as $(VAR) references, the rest kept literal; the variables it needs. */
function expand(text: string, used: Set<string>): string {
  const parts = text.split(RUN_VAR_RE);
  return parts.map((p, i) => (i % 2 ? (used.add(p), `$(${p})`) : literal(p))).join('');
}

function environment(name: string, s: Service, w: Warnings, needed: Set<string>): EnvVar[] {
  const direct: EnvVar[] = [];
  const values: EnvVar[] = [];
  for (const [k, v] of Object.entries(s.environment ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    const key = `services.${name}.environment.${k}`;
    if (v === null) {
      w.add(key, 'no value (Compose passes it through from the host): no Kubernetes equivalent, dropped');
      continue;
    }
    const whole = new RegExp(`^${RUN_VAR_RE.source}$`).exec(v);
    if (whole) {
      w.add(key, perRun(whole[1]!));
      direct.push({ ...fromSecret(whole[1]!), name: k });
      continue;
    }
    const used = new Set<string>();
    values.push({ name: k, value: expand(v, used) });
    for (const u of used) {
      w.add(key, perRun(u));
      needed.add(u);
    }
  }
  return [...direct, ...values];
}

function securityContext(name: string, s: Service, w: Warnings): SecurityContext | undefined {
  const sc: SecurityContext = {};
  if (s.read_only !== undefined) sc.readOnlyRootFilesystem = Boolean(s.read_only);
  const caps = (k: 'cap_drop' | 'cap_add') => ((s[k] ?? []) as string[]).map((c) => c.toUpperCase().replace(/^CAP_/, ''));
  if (s.cap_drop || s.cap_add)
    sc.capabilities = { ...(s.cap_drop ? { drop: caps('cap_drop') } : {}), ...(s.cap_add ? { add: caps('cap_add') } : {}) };
  ((s.security_opt ?? []) as string[]).forEach((opt, i) => {
    const nnp = /^no-new-privileges(?:[:=](true|false))?$/.exec(opt);
    if (nnp) sc.allowPrivilegeEscalation = nnp[1] === 'false';
    else w.add(`services.${name}.security_opt[${i}]`, `${opt}: no Kubernetes equivalent, dropped`);
  });
  if (s.user !== undefined) {
    const ids = /^(\d+)(?::(\d+))?$/.exec(s.user);
    if (ids) Object.assign(sc, { runAsUser: Number(ids[1]), ...(ids[2] ? { runAsGroup: Number(ids[2]) } : {}) });
    else w.add(`services.${name}.user`, `${s.user}: Kubernetes needs numeric ids; dropped (the image's USER applies)`);
  }
  return Object.keys(sc).length ? sc : undefined;
}

export interface ContainerOptions {
  role: Role;
  /** Compose restarts it (restart: always, unless-stopped, on-failure): it gets a livenessProbe. */
  liveness: boolean;
  mounts: Container['volumeMounts'];
}

export function container(name: string, s: Service, w: Warnings, o: ContainerOptions): Container {
  const needed = new Set<string>();
  const cname = dnsName(name);
  if (cname !== name) w.add(`services.${name}`, `the container is named ${cname} (Kubernetes names are DNS labels)`);
  const words = (k: 'entrypoint' | 'command') => {
    const used = new Set<string>();
    const out = s[k]?.map((x) => expand(x, used));
    for (const u of used) {
      w.add(`services.${name}.${k}`, perRun(u));
      needed.add(u);
    }
    return out;
  };
  const command = words('entrypoint');
  const args = words('command');
  const env = environment(name, s, w, needed);
  const own = new Set(env.map((e) => e.name));
  const extra = [...needed]
    .filter((v) => !own.has(v))
    .sort()
    .map(fromSecret);
  const c: Container = { name: cname, image: s.image ?? '', imagePullPolicy: 'IfNotPresent' };
  if (!s.image) w.add(`services.${name}.image`, 'no image: Kubernetes needs one (build it with npm run images)');
  if (o.role === 'sidecar') c.restartPolicy = 'Always';
  if (command) c.command = command;
  if (args) c.args = args;
  if (extra.length || env.length) c.env = [...extra, ...env];
  if (typeof s.working_dir === 'string') c.workingDir = s.working_dir;
  if (s.cpus !== undefined) c.resources = { limits: { cpu: `${Math.round(Number(s.cpus) * 1000)}m` } };
  if (o.mounts?.length) c.volumeMounts = o.mounts;
  const sc = securityContext(name, s, w);
  if (sc) c.securityContext = sc;
  if (o.role !== 'job') Object.assign(c, probes(name, s, w, o.liveness));
  else if (s.healthcheck?.test && !s.healthcheck.disable)
    w.add(`services.${name}.healthcheck`, 'a plain init container cannot be probed (Compose waits for it to exit 0); dropped');
  return c;
}
