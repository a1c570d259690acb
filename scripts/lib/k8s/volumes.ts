// A service's mounts as pod volumes, chosen by what they hold:
//   bind mount of a directory  a ConfigMap, or a Secret when its path or name says cert/key/secret/token/tls;
//                              its files embedded when they total under 1 MiB (else an emptyDir, warned);
//                              a per-run variable (${CERT_DIR}) is a ConfigMap/Secret you create (warned)
//   named volume               an emptyDir shared by the pod's containers (medium: Memory for a tmpfs volume)
//   tmpfs                      an emptyDir with medium: Memory, private to the container
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import type { ConfigMap, KeyToPath, Secret, Volume, VolumeMount } from 'kubernetes-types/core/v1.js';
import { ROOT } from '../config.js';
import { type Dict, type Model, type Mount, RUN_VAR } from '../compose-file/model.js';
import type { Warnings } from './warnings.js';

/** What a ConfigMap or Secret holds at most (the API server's limit on one object). */
const LIMIT = 1024 * 1024;
const SECRETISH = /(^|[^a-z])(certs?|keys?|secrets?|tokens?|tls|passwords?)([^a-z]|$)/i;
export const dnsName = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');

/** compose sizes (8m, 64k, 1g: powers of 1024) as Kubernetes quantities. */
const quantity = (size: string) => size.replace(/^(\d+)([kmg])b?$/i, (_m, n: string, u: string) => `${n}${u.toUpperCase()}i`);

function files(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return statSync(p).isDirectory() ? files(p, base) : [relative(base, p)];
  });
}

interface Entry {
  kind: 'ConfigMap' | 'Secret';
  name: string;
  subPath?: string;
  items?: KeyToPath[];
}

/** ConfigMaps and Secrets of the whole conversion: one per source, shared by every pod that mounts it. */
export class Sources {
  readonly objects: (ConfigMap | Secret)[] = [];
  private readonly bySource = new Map<string, Entry | undefined>();
  /** What each source's mounts must say (a per-run or missing source: the object you create). */
  private readonly notes = new Map<string, string>();
  constructor(
    private readonly w: Warnings,
    private readonly labels: Dict<string>,
  ) {}

  private unique(name: string): string {
    let n = name;
    for (let i = 2; this.objects.some((o) => o.metadata?.name === n) || [...this.bySource.values()].some((v) => v?.name === n); i++)
      n = `${name}-${i}`;
    return n;
  }

  /** The ConfigMap or Secret a bind mount becomes (undefined: too big, an emptyDir instead). */
  bind(m: Mount, key: string): Entry | undefined {
    const source = m.source ?? '';
    if (!this.bySource.has(source)) this.bySource.set(source, this.make(m));
    const note = this.notes.get(source);
    if (note) this.w.add(key, note);
    return this.bySource.get(source);
  }

  private make(m: Mount): Entry | undefined {
    const source = m.source ?? '';
    const runVar = source.startsWith(RUN_VAR) ? source.slice(RUN_VAR.length) : undefined;
    const kind = SECRETISH.test(`${runVar ?? source} ${m.target}`) ? ('Secret' as const) : ('ConfigMap' as const);
    const name = this.unique(dnsName(runVar ?? basename(source)) || 'files');
    const create = `which you create (kubectl create ${kind === 'Secret' ? 'secret generic' : 'configmap'} ${name} --from-file=<dir>)`;
    const shown = source.startsWith(ROOT) ? relative(ROOT, source) : source;
    const entry: Entry = { kind, name };
    if (runVar) this.notes.set(source, `\${${runVar}} is set per run: mounted from ${kind} ${name}, ${create}`);
    else if (!existsSync(source)) this.notes.set(source, `${shown} does not exist here: mounted from ${kind} ${name}, ${create}`);
    else return this.embed(source, entry, shown);
    return entry;
  }

  /** The files of an existing source, embedded in a new ConfigMap or Secret (undefined: too big). */
  private embed(source: string, entry: Entry, shown: string): Entry | undefined {
    const { kind, name } = entry;
    const isDir = statSync(source).isDirectory();
    const list = isDir ? files(source).sort() : [basename(source)];
    const path = (f: string) => (isDir ? join(source, f) : source);
    const size = list.reduce((n, f) => n + statSync(path(f)).size, 0);
    if (size >= LIMIT) {
      this.notes.set(source, `${shown} holds ${Math.round(size / 1024)} KiB, over the 1 MiB a ${kind} holds: an empty emptyDir instead`);
      return undefined;
    }
    const keyOf = (f: string) => f.replace(/[^-._a-zA-Z0-9]/g, '_');
    const data: Dict<string> = {};
    const binaryData: Dict<string> = {};
    for (const f of list) {
      const bytes = readFileSync(path(f));
      const text = bytes.toString('utf8');
      if (kind === 'ConfigMap' && !text.includes('\0') && Buffer.from(text, 'utf8').equals(bytes)) data[keyOf(f)] = text;
      else (kind === 'Secret' ? data : binaryData)[keyOf(f)] = bytes.toString('base64');
    }
    const exec = (f: string) => (statSync(path(f)).mode & 0o111) !== 0;
    if (isDir && list.some((f) => keyOf(f) !== f || exec(f)))
      entry.items = list.map((f) => ({ key: keyOf(f), path: f, ...(exec(f) ? { mode: 0o755 } : {}) }));
    if (!isDir) entry.subPath = keyOf(list[0]!);
    const metadata = { name, labels: this.labels };
    const maps = { ...(Object.keys(data).length ? { data } : {}), ...(Object.keys(binaryData).length ? { binaryData } : {}) };
    this.objects.push(
      kind === 'Secret' ? { apiVersion: 'v1', kind, metadata, type: 'Opaque', data } : { apiVersion: 'v1', kind, metadata, ...maps },
    );
    return entry;
  }
}

/** The volumes of one pod and each container's mounts. */
export class PodVolumes {
  readonly volumes: Volume[] = [];
  constructor(
    private readonly model: Model,
    private readonly sources: Sources,
    private readonly w: Warnings,
  ) {}

  private add(v: Volume): string {
    if (!this.volumes.some((x) => x.name === v.name)) this.volumes.push(v);
    return v.name;
  }

  private named(volume: string): Volume {
    const opts = this.model.volumes[volume]?.driver_opts;
    if (!opts) return { name: dnsName(volume), emptyDir: {} };
    const { type, device, o = '', ...other } = opts;
    const key = `volumes.${volume}.driver_opts`;
    for (const k of Object.keys(other)) this.w.add(`${key}.${k}`, 'no Kubernetes equivalent, dropped');
    if (type !== 'tmpfs' || (device && device !== 'tmpfs')) {
      this.w.add(key, `type ${type}, device ${device}: only tmpfs has an emptyDir equivalent; a plain emptyDir instead`);
      return { name: dnsName(volume), emptyDir: {} };
    }
    const size = /(?:^|,)size=([^,]+)/.exec(o)?.[1];
    const rest = o.split(',').filter((x) => x && !x.startsWith('size='));
    if (rest.length) this.w.add(`${key}.o`, `${rest.join(',')}: an emptyDir has no owner or mode options (it is world-writable); dropped`);
    return { name: dnsName(volume), emptyDir: { medium: 'Memory', ...(size ? { sizeLimit: quantity(size) } : {}) } };
  }

  mounts(service: string): VolumeMount[] {
    const s = this.model.services[service]!;
    const out: VolumeMount[] = [];
    (s.volumes ?? []).forEach((m, i) => {
      const key = `services.${service}.volumes[${i}]`;
      const readOnly = m.read_only ? { readOnly: true } : {};
      if (m.type === 'bind') {
        const src = this.sources.bind(m, key);
        if (!src)
          return out.push({ name: this.add({ name: dnsName(`${service}-bind-${i}`), emptyDir: {} }), mountPath: m.target, ...readOnly });
        if (!m.read_only) this.w.add(key, `read-write in Compose, but a ${src.kind} is mounted read-only`);
        const name = dnsName(`${src.kind.toLowerCase()}-${src.name}`);
        const items = src.items ? { items: src.items } : {};
        this.add(
          src.kind === 'Secret' ? { name, secret: { secretName: src.name, ...items } } : { name, configMap: { name: src.name, ...items } },
        );
        return out.push({ name, mountPath: m.target, readOnly: true, ...(src.subPath ? { subPath: src.subPath } : {}) });
      }
      if (m.type === 'volume' && m.source) return out.push({ name: this.add(this.named(m.source)), mountPath: m.target, ...readOnly });
      const medium = m.type === 'tmpfs' ? { medium: 'Memory' } : {};
      if (m.type !== 'tmpfs' && m.type !== 'volume') this.w.add(`${key}.type`, `${m.type}: no Kubernetes equivalent, an emptyDir instead`);
      return out.push({
        name: this.add({ name: dnsName(`${service}-${m.type}-${i}`), emptyDir: medium }),
        mountPath: m.target,
        ...readOnly,
      });
    });
    (s.tmpfs ?? []).forEach((t, i) => {
      const [target = '', options = ''] = t.split(/:(.*)/s);
      const size = /(?:^|,)size=([^,]+)/.exec(options)?.[1];
      const rest = options.split(',').filter((x) => x && !x.startsWith('size='));
      if (rest.length) this.w.add(`services.${service}.tmpfs[${i}]`, `${rest.join(',')}: an emptyDir has no such option; dropped`);
      const name = this.add({
        name: dnsName(`${service}-tmpfs-${i}`),
        emptyDir: { medium: 'Memory', ...(size ? { sizeLimit: quantity(size) } : {}) },
      });
      out.push({ name, mountPath: target });
    });
    return out;
  }
}
