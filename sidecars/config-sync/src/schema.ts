// A JSON Schema validator for the subset a configuration schema needs. A schema that uses any
// other keyword is refused when it is loaded, so nothing in it is silently ignored.
//   Checked: type, enum, const, properties, required, additionalProperties, minProperties, maxProperties,
//            minLength, maxLength, pattern, minimum, maximum, exclusiveMinimum, exclusiveMaximum,
//            items, minItems, maxItems.
//   Accepted as annotations: $schema, $id, $comment, title, description, default, examples, format.
type Schema = boolean | { [k: string]: unknown };
export type Check = (value: unknown) => string[];

const CHECKED = ['type', 'enum', 'const', 'properties', 'required', 'additionalProperties', 'minProperties', 'maxProperties',
  'minLength', 'maxLength', 'pattern', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'items', 'minItems', 'maxItems'];
const ANNOTATIONS = ['$schema', '$id', '$comment', 'title', 'description', 'default', 'examples', 'format'];
const TYPES = ['null', 'boolean', 'object', 'array', 'number', 'integer', 'string'];

export class SchemaError extends Error {}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function hasType(v: unknown, t: string): boolean {
  if (t === 'integer') return Number.isInteger(v);
  return typeOf(v) === t;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeOf(v) === 'object';
const equal = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const at = (path: string) => path || '/';

/** Checks a schema's shape and keywords, throwing SchemaError naming the first problem. */
function audit(s: unknown, path: string): void {
  if (typeof s === 'boolean') return;
  if (!isObject(s)) throw new SchemaError(`${at(path)}: a schema must be an object or a boolean`);
  for (const k of Object.keys(s)) {
    if (!CHECKED.includes(k) && !ANNOTATIONS.includes(k)) throw new SchemaError(`${at(path)}: keyword "${k}" is not supported by config-sync (supported: ${CHECKED.join(', ')})`);
  }
  const types = s.type === undefined ? [] : Array.isArray(s.type) ? s.type : [s.type];
  for (const t of types) if (!TYPES.includes(t as string)) throw new SchemaError(`${at(path)}: unknown type ${JSON.stringify(t)}`);
  if (s.pattern !== undefined) {
    try { new RegExp(s.pattern as string, 'u'); } catch (e) { throw new SchemaError(`${at(path)}: bad pattern: ${(e as Error).message}`); }
  }
  if (s.required !== undefined && !(Array.isArray(s.required) && s.required.every((r) => typeof r === 'string'))) throw new SchemaError(`${at(path)}: required must be an array of names`);
  if (s.enum !== undefined && !Array.isArray(s.enum)) throw new SchemaError(`${at(path)}: enum must be an array`);
  if (s.properties !== undefined) {
    if (!isObject(s.properties)) throw new SchemaError(`${at(path)}: properties must be an object`);
    for (const [k, sub] of Object.entries(s.properties)) audit(sub, `${path}/properties/${k}`);
  }
  if (s.additionalProperties !== undefined) audit(s.additionalProperties, `${path}/additionalProperties`);
  if (s.items !== undefined) audit(s.items, `${path}/items`);
}

function check(s: Schema, v: unknown, path: string, errors: string[]): void {
  if (s === true) return;
  if (s === false) { errors.push(`${at(path)}: no value is allowed here`); return; }
  const fail = (msg: string) => errors.push(`${at(path)}: ${msg}`);
  if (s.type !== undefined) {
    const types = (Array.isArray(s.type) ? s.type : [s.type]) as string[];
    if (!types.some((t) => hasType(v, t))) { fail(`must be ${types.join(' or ')}, is ${typeOf(v)}`); return; }
  }
  if (s.enum !== undefined && !(s.enum as unknown[]).some((e) => equal(e, v))) fail(`must be one of ${JSON.stringify(s.enum)}`);
  if (s.const !== undefined && !equal(s.const, v)) fail(`must be ${JSON.stringify(s.const)}`);
  if (typeof v === 'string') {
    const len = /[\uD800-\uDFFF]/.test(v) ? [...v].length : v.length; // code points, without an array for plain text
    if (typeof s.minLength === 'number' && len < s.minLength) fail(`must be at least ${s.minLength} characters long`);
    if (typeof s.maxLength === 'number' && len > s.maxLength) fail(`must be at most ${s.maxLength} characters long`);
    if (typeof s.pattern === 'string' && !new RegExp(s.pattern, 'u').test(v)) fail(`must match ${s.pattern}`);
  }
  if (typeof v === 'number') {
    if (typeof s.minimum === 'number' && v < s.minimum) fail(`must be >= ${s.minimum}`);
    if (typeof s.maximum === 'number' && v > s.maximum) fail(`must be <= ${s.maximum}`);
    if (typeof s.exclusiveMinimum === 'number' && v <= s.exclusiveMinimum) fail(`must be > ${s.exclusiveMinimum}`);
    if (typeof s.exclusiveMaximum === 'number' && v >= s.exclusiveMaximum) fail(`must be < ${s.exclusiveMaximum}`);
  }
  if (Array.isArray(v)) {
    if (typeof s.minItems === 'number' && v.length < s.minItems) fail(`must have at least ${s.minItems} items`);
    if (typeof s.maxItems === 'number' && v.length > s.maxItems) fail(`must have at most ${s.maxItems} items`);
    if (s.items !== undefined) v.forEach((item, i) => check(s.items as Schema, item, `${path}/${i}`, errors));
  }
  if (isObject(v)) {
    const keys = Object.keys(v);
    if (typeof s.minProperties === 'number' && keys.length < s.minProperties) fail(`must have at least ${s.minProperties} properties`);
    if (typeof s.maxProperties === 'number' && keys.length > s.maxProperties) fail(`must have at most ${s.maxProperties} properties`);
    for (const r of (s.required as string[] | undefined) ?? []) if (!(r in v)) fail(`"${r}" is required`);
    const props = (s.properties ?? {}) as Record<string, Schema>;
    for (const k of keys) {
      if (k in props) check(props[k]!, v[k], `${path}/${k}`, errors);
      else if (s.additionalProperties !== undefined) {
        if (s.additionalProperties === false) fail(`"${k}" is not an allowed property`);
        else check(s.additionalProperties as Schema, v[k], `${path}/${k}`, errors);
      }
    }
  }
}

/** Compiles a schema (already parsed from JSON) into a check that lists every violation, or none. */
export function compileSchema(schema: unknown): Check {
  audit(schema, '');
  return (value) => {
    const errors: string[] = [];
    check(schema as Schema, value, '', errors);
    return errors;
  };
}
