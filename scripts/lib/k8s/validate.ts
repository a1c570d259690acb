// Offline validation of the generated objects, in two layers:
//   1. the official schema (Kubernetes 1.33) through kubernetes-models: `new Deployment(obj).validate()`;
//   2. a strict check that schema leaves open: unknown fields (kubernetes-models' schemas allow any extra
//      property) and the enums and rules the API server enforces but the schema does not carry.
// Unknown fields are found with the same schema: the model's generated validator is run on a proxy of the
// object that records every property the validator reads. A validator reads each property its schema
// defines (and every key of a map, which it iterates), so a property never read is one the schema does not
// know: additionalProperties: false, from the schema itself, without a second copy of it.
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Pod } from 'kubernetes-models/v1/Pod';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import type { K8sObject } from './convert.js';

interface ModelClass {
  new (data: never): { validate(): void };
  prototype: { validate(): void };
}
const MODELS: Record<string, ModelClass> = {
  Deployment: Deployment as unknown as ModelClass,
  Pod: Pod as unknown as ModelClass,
  Service: Service as unknown as ModelClass,
  ConfigMap: ConfigMap as unknown as ModelClass,
  Secret: Secret as unknown as ModelClass,
};

/** Enums and rules of the API server (1.33) that the OpenAPI schema does not carry, for the fields we emit.
 * Each matches the JSON pointer of a field. The allowed values are quoted from the field docs (kubernetes-types). */
export const RULES: { path: RegExp; allowed: readonly string[]; why: string }[] = [
  {
    path: /\/initContainers\/\d+\/restartPolicy$/,
    allowed: ['Always'],
    why: 'an init container\'s restartPolicy: "the only allowed value is Always"',
  },
  { path: /\/containers\/\d+\/restartPolicy$/, allowed: [], why: 'restartPolicy "may only be set for init containers"' },
  { path: /\/emptyDir\/medium$/, allowed: ['', 'Memory', 'HugePages'], why: 'emptyDir medium: "" or Memory (or HugePages)' },
];

type Read = Map<string, Set<string>>;

function track(value: unknown, path: string, read: Read): unknown {
  if (value === null || typeof value !== 'object') return value;
  const keys = read.get(path) ?? new Set<string>();
  read.set(path, keys);
  return new Proxy(value, {
    get(target, key, receiver) {
      const v = Reflect.get(target, key, receiver);
      if (typeof key !== 'string' || !Object.hasOwn(target, key)) return v;
      keys.add(key);
      return track(v, `${path}/${key}`, read);
    },
    ownKeys(target) {
      for (const k of Reflect.ownKeys(target)) if (typeof k === 'string') keys.add(k);
      return Reflect.ownKeys(target);
    },
  });
}

/** The properties of `obj` its kind's schema does not define, as JSON pointers. */
export function unknownFields(obj: object & { kind?: string }): string[] {
  const cls = MODELS[obj.kind ?? ''];
  if (!cls) return [`/kind: ${obj.kind} is not a kind this validator knows`];
  const read: Read = new Map();
  try {
    cls.prototype.validate.call(track(obj, '', read));
  } catch {
    // schema errors are schemaErrors' to report; here only what was read counts
  }
  const out: string[] = [];
  const walk = (v: unknown, path: string) => {
    if (v === null || typeof v !== 'object') return;
    for (const [k, x] of Object.entries(v)) {
      if (!Array.isArray(v) && !read.get(path)?.has(k)) out.push(`${path}/${k}`);
      else walk(x, `${path}/${k}`);
    }
  };
  walk(obj, '');
  return out;
}

/** The official schema's verdict (kubernetes-models). */
export function schemaErrors(obj: object & { kind?: string }): string[] {
  const cls = MODELS[obj.kind ?? ''];
  if (!cls) return [`kind ${obj.kind} is not one the converter emits`];
  try {
    new cls(obj as never).validate();
    return [];
  } catch (e) {
    return [(e as Error).message];
  }
}

/** Values the API server rejects though the schema lets them through, and plain init containers with probes. */
export function ruleErrors(obj: object): string[] {
  const out: string[] = [];
  const walk = (v: unknown, path: string) => {
    if (v === null || typeof v !== 'object') return;
    if (/\/initContainers\/\d+$/.test(path)) {
      const c = v as Record<string, unknown>;
      const probes = ['startupProbe', 'readinessProbe', 'livenessProbe', 'lifecycle'].filter((k) => k in c);
      if (c.restartPolicy !== 'Always' && probes.length) out.push(`${path}: a plain init container may not have ${probes.join(', ')}`);
    }
    for (const [k, x] of Object.entries(v)) {
      const rule = RULES.find((r) => r.path.test(`${path}/${k}`));
      if (rule && !rule.allowed.includes(x as string)) out.push(`${path}/${k}: ${JSON.stringify(x)} is not allowed (${rule.why})`);
    }
    for (const [k, x] of Object.entries(v)) walk(x, `${path}/${k}`);
  };
  walk(obj, '');
  return out;
}

/** Every problem with one object: schema, unknown fields, API rules. Empty when it is valid. */
export function validateObject(obj: K8sObject): string[] {
  const where = `${obj.kind}/${obj.metadata?.name}`;
  return [...schemaErrors(obj), ...unknownFields(obj).map((p) => `${p}: unknown field`), ...ruleErrors(obj)].map((e) => `${where}: ${e}`);
}
