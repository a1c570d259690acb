// Kubernetes containers and Compose services in the one Member shape the rules read.
import { isAbsolute, relative, sep } from 'node:path';
import { normalizeService } from '../compose-file/model.js';
import { splitArgs } from '../lesson.js';
import type { Member, MountInfo } from './model.js';

type Dict<T = unknown> = Record<string, T>;
const isObj = (v: unknown): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const words = (v: unknown): string[] => (Array.isArray(v) ? v.map((x) => String(x)) : typeof v === 'string' ? splitArgs(v) : []);

/** A Kubernetes container (from containers or initContainers) with the pod's volumes. */
export function k8sMember(c: Dict, init: boolean, volumes: Dict<Dict>): Member {
  const env: Record<string, string> = {};
  for (const e of list(c.env)) if (isObj(e) && e.name !== undefined) env[String(e.name)] = e.value === undefined ? '' : String(e.value);
  const mounts: MountInfo[] = list(c.volumeMounts)
    .filter(isObj)
    .map((m) => {
      const v = volumes[String(m.name)] ?? {};
      const kind = v.emptyDir !== undefined ? 'emptyDir' : v.configMap ? 'configMap' : v.secret ? 'secret' : 'other';
      return { source: String(m.name), target: String(m.mountPath ?? ''), readOnly: m.readOnly === true, kind };
    });
  const sc = isObj(c.securityContext) ? c.securityContext : {};
  const caps = isObj(sc.capabilities) ? list(sc.capabilities.add).map(String) : [];
  return {
    name: String(c.name ?? ''),
    image: c.image === undefined || c.image === null ? '' : String(c.image),
    place: init ? (c.restartPolicy === 'Always' ? 'native' : 'init') : 'container',
    argv: [...words(c.command), ...words(c.args)],
    env,
    ports: list(c.ports)
      .filter(isObj)
      .map((p) => String(p.containerPort)),
    published: [],
    mounts,
    capAdd: caps,
    devices: [],
    healthcheck: Boolean(c.readinessProbe || c.livenessProbe || c.startupProbe),
    profiles: [],
    dependsOn: {},
  };
}

const sourceKind = (source: string | undefined, type: string): MountInfo['kind'] =>
  type === 'bind' || (source && /^[./~]/.test(source)) ? 'bind' : type === 'volume' ? 'volume' : 'other';

/** A resolved Compose service. */
export function composeMember(name: string, raw: Dict, dir: string): Member {
  const s = normalizeService(raw);
  const build = isObj(raw.build) ? String(raw.build.context ?? '.') : raw.build !== undefined ? String(raw.build) : '';
  const mounts: MountInfo[] = (s.volumes ?? []).map((m) => ({
    source:
      m.source && isAbsolute(m.source) && !relative(dir, m.source).startsWith('..')
        ? `./${relative(dir, m.source).split(sep).join('/')}`
        : (m.source ?? ''),
    target: m.target,
    readOnly: m.read_only === true,
    kind: sourceKind(m.source, m.type),
  }));
  return {
    name,
    image: typeof raw.image === 'string' ? raw.image : raw.image === undefined || raw.image === null ? build : String(raw.image),
    place: 'container',
    argv: [...(s.entrypoint ?? []), ...(s.command ?? [])],
    env: Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, v ?? ''])),
    ports: [...list(raw.expose).map(String), ...(s.ports ?? []).map((p) => String(p.target))],
    published: (s.ports ?? []).filter((p) => p.published !== undefined).map((p) => String(p.target)),
    mounts,
    capAdd: list(raw.cap_add).map(String),
    devices: list(raw.devices).map(String),
    healthcheck: Boolean(s.healthcheck && !s.healthcheck.disable && !(s.healthcheck.test?.[0] === 'NONE')),
    profiles: list(raw.profiles).map(String),
    dependsOn: Object.fromEntries(Object.entries(s.depends_on ?? {}).map(([k, d]) => [k, d.condition])),
  };
}
