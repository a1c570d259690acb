import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compileSchema, SchemaError } from '../src/schema.js';

const test = suite('compileSchema');

const app = compileSchema({
  title: 'app', type: 'object', required: ['version', 'greeting'], additionalProperties: false,
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

test('a value that matches every rule has no errors', () => {
  assert.equal(app({ version: 'v1.2', greeting: 'hi', color: 'red', replicas: 3, ratio: 0.5, tags: ['a'], limits: { cpu: 2 }, mode: 'fast', note: null }), []);
});

test('each broken rule is reported with the path to the value', () => {
  const errors = app({ version: 'V 1', greeting: '', color: 'blue', replicas: 2.5, ratio: 1, tags: [], limits: { a: 1, b: 'x' }, mode: 'slow', extra: 1, note: 3 });
  assert.equal(errors, [
    '/version: must match ^[a-z0-9.-]{1,16}$',
    '/greeting: must be at least 1 characters long',
    '/color: must be one of ["red","green"]',
    '/replicas: must be integer, is number',
    '/ratio: must be < 1',
    '/tags: must have at least 1 items',
    '/limits: must have at most 1 properties',
    '/limits/b: must be integer, is string',
    '/mode: must be "fast"',
    '/: "extra" is not an allowed property',
    '/note: must be string or null, is number',
  ]);
});

test('missing required properties and a wrong top-level type are errors', () => {
  assert.equal(app({}), ['/: "version" is required', '/: "greeting" is required']);
  assert.equal(app([]), ['/: must be object, is array']);
  assert.equal(app('x'.repeat(3)), ['/: must be object, is string']);
});

test('length counts characters, not UTF-16 units or bytes', () => {
  const s = compileSchema({ type: 'string', maxLength: 2 });
  assert.equal(s('😀😀'), []);
  assert.equal(s('😀😀😀'), ['/: must be at most 2 characters long']);
});

test('boolean schemas: true allows anything, false nothing', () => {
  assert.equal(compileSchema({ properties: { a: true, b: false } })({ a: 1, b: 2 }), ['/b: no value is allowed here']);
});

test('a keyword outside the supported subset is refused when the schema is loaded, wherever it is', () => {
  for (const [schema, pattern] of [
    [{ oneOf: [] }, /^\/: keyword "oneOf" is not supported/],
    [{ properties: { a: { $ref: '#/x' } } }, /^\/properties\/a: keyword "\$ref" is not supported/],
    [{ type: 'float' }, /unknown type "float"/],
    [{ pattern: '(' }, /bad pattern/],
    [{ required: 'a' }, /required must be an array/],
    [42, /must be an object or a boolean/],
  ] as const) {
    try {
      compileSchema(schema);
      assert.unreachable(`should refuse ${JSON.stringify(schema)}`);
    } catch (e) {
      assert.instance(e, SchemaError);
      assert.match((e as Error).message, pattern);
    }
  }
});

test('annotations such as $schema, title, description, default and format are accepted and ignored', () => {
  const s = compileSchema({ $schema: 'x', $id: 'y', title: 't', description: 'd', default: 1, examples: [], format: 'email', $comment: 'c', type: 'string' });
  assert.equal(s('not an email'), []);
});

test.run();
