// How Compose combines a service with what it extends (merge), where a relative bind source points
// (anchored), and the types its schema requires of the keys the resolver reads (checkShape).
import { join } from 'node:path';
import { type Dict, mount } from './model.js';
import { ComposeError } from './yaml.js';

const isObj = (v: unknown): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v);

const LISTS = ['ports', 'volumes', 'expose', 'cap_add', 'cap_drop', 'devices', 'volumes_from', 'profiles', 'tmpfs', 'dns'];
const LIST_OR_MAP = ['environment', 'depends_on', 'labels', 'networks'];
const STRING_OR_LIST = ['command', 'entrypoint', 'env_file'];

/** The types Compose's schema requires of the keys the resolver and identify read; anything else is refused as Compose refuses it. */
export function checkShape(name: string, s: Dict) {
  const bad = (k: string, what: string) => new ComposeError(`services.${name}.${k} must be ${what}`);
  for (const k of LISTS)
    if (s[k] !== undefined && s[k] !== null && !Array.isArray(s[k]) && !(k === 'tmpfs' && typeof s[k] === 'string')) throw bad(k, 'a list');
  for (const k of LIST_OR_MAP) if (s[k] !== undefined && s[k] !== null && typeof s[k] !== 'object') throw bad(k, 'a list or a mapping');
  for (const k of STRING_OR_LIST)
    if (s[k] !== undefined && s[k] !== null && typeof s[k] !== 'string' && !Array.isArray(s[k])) throw bad(k, 'a string or a list');
  for (const k of ['healthcheck', 'build'] as const)
    if (s[k] !== undefined && s[k] !== null && typeof s[k] !== 'object' && !(k === 'build' && typeof s[k] === 'string'))
      throw bad(k, 'a mapping');
  if (s.extends !== undefined && typeof s.extends !== 'string' && !isObj(s.extends)) throw bad('extends', 'a string or a mapping');
}

const REPLACE = new Set(['command', 'entrypoint', 'test']);

/** Compose's merge: mappings key by key, volumes by target, command/entrypoint/healthcheck.test replaced, other lists joined. */
export function merge(base: unknown, over: unknown, key = ''): unknown {
  if (isObj(base) && isObj(over)) {
    const out: Dict = { ...base };
    for (const [k, v] of Object.entries(over)) out[k] = k in base ? merge(base[k], v, k) : v;
    return out;
  }
  if (Array.isArray(base) && Array.isArray(over) && !REPLACE.has(key)) {
    if (key === 'volumes') {
      const targets = new Set(over.map((m) => mount(m).target));
      return [...base.filter((m) => !targets.has(mount(m).target)), ...over];
    }
    return [...base, ...over.filter((x) => !base.some((b) => JSON.stringify(b) === JSON.stringify(x)))];
  }
  return over;
}

/** A service with its relative bind sources made absolute against its file's directory (before merging). */
export function anchored(service: Dict, dir: string): Dict {
  if (!Array.isArray(service.volumes)) return service;
  const volumes = service.volumes.map((v) => {
    const m = mount(v);
    if (m.type !== 'bind' || !m.source || m.source.startsWith('/')) return v;
    return { ...m, source: m.source.startsWith('~') ? m.source : join(dir, m.source) };
  });
  return { ...service, volumes };
}
