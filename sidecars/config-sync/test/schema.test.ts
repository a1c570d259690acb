import { readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compileSchema, SchemaError } from '../src/schema.js';

const test = suite('compileSchema');

const app = compileSchema({
  title: 'app',
  type: 'object',
  required: ['version', 'greeting'],
  additionalProperties: false,
  properties: {
    version: { type: 'string', pattern: '^[a-z0-9.-]{1,16}$' },
    greeting: { type: 'string', minLength: 1, maxLength: 10 },
    color: { enum: ['red', 'green'] },
    replicas: { type: 'integer', minimum: 1, maximum: 5 },
    ratio: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
    tags: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 2 },
    limits: { type: 'object', additionalProperties: { type: 'integer' }, maxProperties: 1 },
    mode: { const: 'fast' },
    note: { type: ['string', 'null'] },
  },
});
const good = {
  version: 'v1.2',
  greeting: 'hi',
  color: 'red',
  replicas: 3,
  ratio: 0.5,
  tags: ['a'],
  limits: { cpu: 2 },
  mode: 'fast',
  note: null,
};

test('a value that matches every rule has no errors', () => {
  assert.equal(app(good), []);
});

test('each broken rule is reported on its own line, with the JSON pointer to the value', () => {
  for (const [change, error] of [
    [{ version: 'V 1' }, '/version: must match pattern "^[a-z0-9.-]{1,16}$"'],
    [{ greeting: '' }, '/greeting: must NOT have fewer than 1 characters'],
    [{ color: 'blue' }, '/color: must be one of ["red","green"]'],
    [{ replicas: 2.5 }, '/replicas: must be integer, is number'],
    [{ replicas: 0 }, '/replicas: must be >= 1'],
    [{ ratio: 1 }, '/ratio: must be < 1'],
    [{ tags: [] }, '/tags: must NOT have fewer than 1 items'],
    [{ tags: [1] }, '/tags/0: must be string, is number'],
    [{ limits: { a: 1, b: 2 } }, '/limits: must NOT have more than 1 properties'],
    [{ limits: { b: 'x' } }, '/limits/b: must be integer, is string'],
    [{ mode: 'slow' }, '/mode: must be "fast"'],
    [{ extra: 1 }, '/: "extra" is not an allowed property'],
    [{ note: 3 }, '/note: must be string or null, is number'],
  ] as const) {
    assert.equal(app({ ...good, ...change }), [error], JSON.stringify(change));
  }
});

test('missing required properties and a wrong top-level type are errors', () => {
  assert.equal(app({ greeting: 'hi' }), ['/: "version" is required']);
  assert.equal(app([]), ['/: must be object, is array']);
  assert.equal(app('x'.repeat(3)), ['/: must be object, is string']);
});

test('length counts characters, not UTF-16 units or bytes', () => {
  const s = compileSchema({ type: 'string', maxLength: 2 });
  assert.equal(s('😀😀'), []);
  assert.equal(s('😀😀😀'), ['/: must NOT have more than 2 characters']);
});

test('boolean schemas: true allows anything, false nothing', () => {
  const s = compileSchema({ type: 'object', properties: { a: true, b: false } });
  assert.equal(s({ a: 1, b: 2 }), ['/b: no value is allowed here']);
  assert.equal(s({ a: 1 }), []);
});

test('the whole draft is checked, not a subset: $ref, oneOf, anyOf, if/then, patternProperties', () => {
  const s = compileSchema({
    definitions: { port: { type: 'integer', minimum: 1, maximum: 65535 } },
    type: 'object',
    properties: { port: { $ref: '#/definitions/port' }, mode: { oneOf: [{ const: 'a' }, { const: 'b' }] }, tls: { type: 'boolean' } },
    patternProperties: { '^x-': { type: 'string' } },
    if: { properties: { tls: { const: true } }, required: ['tls'] },
    // biome-ignore lint/suspicious/noThenProperty: `then` is a JSON Schema keyword here, not a thenable.
    then: { required: ['port'] },
    anyOf: [{ required: ['port'] }, { required: ['mode'] }],
  });
  assert.equal(s({ port: 443, mode: 'a', tls: true, 'x-note': 'n' }), []);
  assert.equal(s({ 'x-note': 'n' }), ['/: "port" is required', '/: "mode" is required', '/: must match a schema in anyOf']);
  assert.equal(s({ port: 0 }), ['/port: must be >= 1']);
  assert.equal(s({ port: 1, mode: 'c' }), ['/mode: must be "a"', '/mode: must be "b"', '/mode: must match exactly one schema in oneOf']);
  assert.equal(s({ mode: 'a', tls: true }), ['/: "port" is required']);
  assert.equal(s({ port: 1, 'x-note': 1 }), ['/x-note: must be string, is number']);
});

test('a schema config-sync cannot fully check is refused when it is loaded, saying why', () => {
  for (const [schema, pattern] of [
    [{ type: 'object', requird: ['a'] }, /^strict mode: unknown keyword: "requird"$/],
    [{ type: 'object', properties: { a: { $ref: '#/x' } } }, /^can't resolve reference #\/x/],
    [{ $ref: 'https://example.com/remote.json' }, /^can't resolve reference https:\/\/example\.com\/remote\.json/],
    [{ type: 'float' }, /^schema is invalid: data\/type must be equal to one of the allowed values/],
    [{ type: 'string', pattern: '(' }, /^Invalid regular expression/],
    [{ required: 'a' }, /^schema is invalid: data\/required must be array/],
    [{ minimum: 1 }, /^strict mode: missing type "number" for keyword "minimum"/],
    [{ type: 'array', items: [{ type: 'string' }] }, /^strict mode: "items" is 1-tuple/],
    [{ $async: true, type: 'object' }, /^\$async schemas are not supported/],
    [
      { $schema: 'https://json-schema.org/draft/2020-12/schema' },
      /^no schema with key or ref "https:\/\/json-schema\.org\/draft\/2020-12\/schema"$/,
    ],
    [42, /^schema must be object or boolean$/],
  ] as const) {
    try {
      compileSchema(schema);
      assert.unreachable(`should refuse ${JSON.stringify(schema)}`);
    } catch (e) {
      assert.instance(e, SchemaError, JSON.stringify(schema));
      assert.match((e as Error).message, pattern);
    }
  }
});

test('annotations such as $schema (draft-07), $id, title, description, default and format are accepted and not checked', () => {
  const s = compileSchema({
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://example.com/s.json',
    title: 't',
    description: 'd',
    default: 'x',
    examples: ['y'],
    format: 'email',
    $comment: 'c',
    type: 'string',
  });
  assert.equal(s('not an email'), []);
  assert.equal(s(1), ['/: must be string, is number']);
});

test('each compile stands alone: a schema with an $id can be loaded again (as SIGHUP does)', () => {
  const schema = { $id: 'https://example.com/app.json', type: 'string' };
  assert.equal([compileSchema(schema)('a'), compileSchema(schema)(1)], [[], ['/: must be string, is number']]);
});

test('the schema of stacks/config compiles in strict mode and accepts its seed config', () => {
  const read = (path: string) => JSON.parse(readFileSync(new URL(`../../../../stacks/config/${path}`, import.meta.url), 'utf8'));
  const s = compileSchema(read('schema/app.schema.json'));
  assert.equal(s(read('seed/app.json')), []);
  assert.equal(s({ version: 'has spaces in it', greeting: '' }), ['/version: must match pattern "^[A-Za-z0-9._-]{1,64}$"']);
});

test.run();
