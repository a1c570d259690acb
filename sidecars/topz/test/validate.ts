// A small JSON Schema checker for the subset topz's schema uses (type, const, enum, required,
// properties, additionalProperties, items, minimum, $ref, format date-time). Returns the errors.
type S = Record<string, unknown>;

const typeOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v);
const fits = (v: unknown, t: string) => typeOf(v) === t || (t === 'number' && typeOf(v) === 'integer');

export function validate(value: unknown, schema: S, root: S = schema, at = '$'): string[] {
  if (typeof schema.$ref === 'string') {
    const target = schema.$ref
      .replace(/^#\//, '')
      .split('/')
      .reduce<unknown>((o, k) => (o as S)[k], root) as S;
    return validate(value, target, root, at);
  }
  const errors: string[] = [];
  if (schema.type !== undefined) {
    const types = ([] as string[]).concat(schema.type as string | string[]);
    if (!types.some((t) => fits(value, t))) return [`${at}: ${JSON.stringify(value)} is not ${types.join('|')}`];
  }
  if ('const' in schema && value !== schema.const) errors.push(`${at}: is not ${JSON.stringify(schema.const)}`);
  if (Array.isArray(schema.enum) && !schema.enum.includes(value))
    errors.push(`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  if (typeof schema.minimum === 'number' && typeof value === 'number' && value < schema.minimum)
    errors.push(`${at}: ${value} < ${schema.minimum}`);
  if (schema.format === 'date-time' && typeof value === 'string' && Number.isNaN(Date.parse(value))) errors.push(`${at}: not a date-time`);
  if (typeOf(value) === 'object') {
    const obj = value as S,
      props = (schema.properties ?? {}) as Record<string, S>;
    for (const k of (schema.required ?? []) as string[]) if (!(k in obj)) errors.push(`${at}: missing ${k}`);
    for (const [k, v] of Object.entries(obj)) {
      if (props[k]) errors.push(...validate(v, props[k], root, `${at}.${k}`));
      else if (schema.additionalProperties === false) errors.push(`${at}: unexpected ${k}`);
      else if (typeof schema.additionalProperties === 'object')
        errors.push(...validate(v, schema.additionalProperties as S, root, `${at}.${k}`));
    }
  }
  if (Array.isArray(value) && schema.items) value.forEach((v, i) => errors.push(...validate(v, schema.items as S, root, `${at}[${i}]`)));
  return errors;
}
