// The JSON Schema check, done by ajv (JSON Schema draft-07): a well-kept validator with the whole
// draft, instead of a hand-written subset. Its options are chosen so that nothing is silently ignored
// and the value is judged as it is:
//   strict        a schema with an unknown keyword (a typo), a keyword without the type it applies
//                 to (minimum without "type": "number") or an unbounded tuple is refused when it is
//                 loaded. Not strictRequired: it would refuse idioms such as then: {required: [...]};
//   ownProperties required, properties and additionalProperties see own properties only: an
//                 inherited name (toString, constructor, __proto__) neither meets required nor
//                 escapes additionalProperties: false;
//   allErrors     false: the first violation is enough to refuse a value, and bounds the work;
//   validateFormats false: "format" is an annotation (no format vocabulary is loaded);
//   verbose       errors carry the value, so a wrong type is named ("must be string, is number");
//   defaults      ajv neither coerces types, nor fills in defaults, nor removes properties.
// enum, const and uniqueItems compare with ajv's deep equality, which ignores the order of keys.
import { Ajv, type ErrorObject } from 'ajv';

export type Check = (value: unknown) => string[];

export class SchemaError extends Error {}

const OPTIONS = {
  strict: true,
  strictRequired: false,
  allowUnionTypes: true,
  allErrors: false,
  ownProperties: true,
  validateFormats: false,
  verbose: true,
} as const;

const typeOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/** One violation, as a line: the JSON pointer to the value, then what is wrong with it. */
function describe(e: ErrorObject): string {
  const at = e.instancePath || '/';
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties':
      return `${at}: ${JSON.stringify(p.additionalProperty)} is not an allowed property`;
    case 'required':
      return `${at}: ${JSON.stringify(p.missingProperty)} is required`;
    case 'enum':
      return `${at}: must be one of ${JSON.stringify(p.allowedValues)}`;
    case 'const':
      return `${at}: must be ${JSON.stringify(p.allowedValue)}`;
    case 'type':
      return `${at}: must be ${String(p.type).split(',').join(' or ')}, is ${typeOf(e.data)}`;
    case 'false schema':
      return `${at}: no value is allowed here`;
    default:
      return `${at}: ${e.message ?? e.keyword}`;
  }
}

/** Compiles a schema (already parsed from JSON) into a check that lists the first violation, or none.
 * Throws SchemaError saying what is wrong with a schema config-sync cannot fully check. */
export function compileSchema(schema: unknown): Check {
  let validate: ReturnType<Ajv['compile']>;
  try {
    validate = new Ajv(OPTIONS).compile(schema as object);
  } catch (e) {
    throw new SchemaError((e as Error).message);
  }
  if ((validate as { $async?: boolean }).$async)
    throw new SchemaError('$async schemas are not supported: the check must give its verdict at once');
  return (value) => (validate(value) ? [] : (validate.errors ?? []).map(describe));
}
