// What a value must be before it is written, judged through the validator the sidecar uses: the
// bytes must be UTF-8, the JSON unambiguous, and the schema sees the value's own properties only.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { makeValidator, type Validator, type Verdict } from '../src/validate.js';

interface Ctx {
  dir: string;
  n: number;
}
const test = suite<Ctx>('value rules', {} as Ctx);
test.before((ctx) => {
  ctx.dir = mkdtempSync(join(tmpdir(), 'config-sync-value-'));
  ctx.n = 0;
});
test.after((ctx) => rmSync(ctx.dir, { recursive: true, force: true }));

/** A validator (format json) for the schema, or for no schema at all. */
function validator(ctx: Ctx, schema?: unknown): Validator {
  if (schema === undefined) return makeValidator({ format: 'json', timeoutMs: 1000 });
  const schemaFile = join(ctx.dir, `schema-${ctx.n++}.json`);
  writeFileSync(schemaFile, JSON.stringify(schema));
  return makeValidator({ format: 'json', schemaFile, timeoutMs: 1000 });
}
const judge = (v: Validator, value: string | Buffer) => v(typeof value === 'string' ? Buffer.from(value) : value);
const reasonOf = (r: Verdict) => (r.ok ? 'accepted' : r.reason);
const errorOf = (r: Verdict) => (r.ok ? '' : r.error);

const STRICT = { type: 'object', additionalProperties: false, properties: { version: { type: 'string' } } };

test('names an object inherits (__proto__, constructor, toString, ...) are not allowed properties under additionalProperties: false', async (ctx) => {
  const v = validator(ctx, STRICT);
  for (const key of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
    const r = await judge(v, `{"version":"1","${key}":{}}`);
    assert.equal(r, { ok: false, reason: 'schema', error: `/: "${key}" is not an allowed property` }, key);
  }
  assert.equal(await judge(v, '{"version":"1"}'), { ok: true }, 'positive control');
});

test('the same holds for a schema with more than eight properties (which ajv checks by a lookup, not by comparisons)', async (ctx) => {
  const properties = Object.fromEntries('abcdefghij'.split('').map((k) => [k, { type: 'integer' }]));
  const v = validator(ctx, { type: 'object', additionalProperties: false, properties });
  for (const key of ['__proto__', 'constructor', 'toString']) {
    assert.equal(
      await judge(v, `{"a":1,"${key}":2}`),
      { ok: false, reason: 'schema', error: `/: "${key}" is not an allowed property` },
      key,
    );
  }
  assert.equal(await judge(v, '{"a":1,"j":2}'), { ok: true });
});

test('required is met only by an own property: an inherited toString or constructor does not count', async (ctx) => {
  const v = validator(ctx, {
    type: 'object',
    required: ['toString', 'constructor'],
    properties: { toString: { type: 'string' }, constructor: { type: 'string' } },
  });
  assert.equal(await judge(v, '{}'), { ok: false, reason: 'schema', error: '/: "toString" is required' });
  assert.equal(await judge(v, '{"toString":"x"}'), { ok: false, reason: 'schema', error: '/: "constructor" is required' });
  assert.equal(await judge(v, '{"toString":"x","constructor":"y"}'), { ok: true });
  assert.equal(reasonOf(await judge(v, '{"toString":1,"constructor":"y"}')), 'schema', 'an own property is checked against its schema');
});

test('bytes that are not UTF-8 (invalid, overlong, encoded surrogates, cut short) are refused for reason json', async (ctx) => {
  const v = validator(ctx);
  const wrap = (...bytes: number[]) => Buffer.concat([Buffer.from('{"a":"'), Buffer.from(bytes), Buffer.from('"}')]);
  for (const [what, value] of [
    ['a lone 0xff', wrap(0xff)],
    ['an overlong "/"', wrap(0xc0, 0xaf)],
    ['an overlong NUL in three bytes', wrap(0xe0, 0x80, 0x80)],
    ['an encoded UTF-16 surrogate', wrap(0xed, 0xa0, 0x80)],
    ['a sequence cut short', wrap(0xe2, 0x82)],
    ['a code point above U+10FFFF', wrap(0xf4, 0x90, 0x80, 0x80)],
  ] as const) {
    const r = await judge(v, value);
    assert.equal([reasonOf(r), errorOf(r)], ['json', 'not UTF-8: the bytes hold an invalid or overlong UTF-8 sequence'], what);
  }
  assert.equal(await judge(v, wrap(0xe2, 0x82, 0xac)), { ok: true }, 'positive control: a whole euro sign');
});

test('an object key given twice is refused, at any depth and however it is spelled; the same key in two objects is fine', async (ctx) => {
  const v = validator(ctx);
  assert.equal(await judge(v, '{"a":1,"a":1}'), { ok: false, reason: 'json', error: 'not JSON: duplicate key "a" in the object at /' });
  assert.equal(await judge(v, '{"x":[0,{"k":1,"\\u006b":2}]}'), {
    ok: false,
    reason: 'json',
    error: 'not JSON: duplicate key "k" in the object at /x/1',
  });
  assert.equal(await judge(v, '[{"a":{"a":1},"b":[{"a":1},{"a":2}]}]'), { ok: true });
});

test('numbers beyond ±(2^53-1), which a double cannot hold exactly, are refused instead of rounded', async (ctx) => {
  const v = validator(ctx, { type: 'object', properties: { n: { enum: [9007199254740992] } } });
  for (const n of ['9007199254740993', '-9007199254740993', '9007199254740992', '1e400', '1.5e300']) {
    const r = await judge(v, `{"n":${n}}`);
    assert.equal(
      [reasonOf(r), errorOf(r)],
      ['json', `not JSON: the number ${n} at /n is beyond ±(2^53-1), which cannot be compared exactly`],
      n,
    );
  }
  const free = validator(ctx);
  for (const n of ['9007199254740991', '-9007199254740991', '1.5', '1e-400', '0'])
    assert.equal(await judge(free, `{"n":${n}}`), { ok: true }, n);
});

test('enum and const compare objects whatever the order of their keys', async (ctx) => {
  const wanted = { a: 1, b: [1, { x: 1, y: 2 }] };
  for (const schema of [{ enum: [wanted, 'other'] }, { const: wanted }]) {
    const v = validator(ctx, schema);
    assert.equal(await judge(v, '{"b":[1,{"y":2,"x":1}],"a":1}'), { ok: true }, JSON.stringify(schema));
    assert.equal(reasonOf(await judge(v, '{"b":[{"y":2,"x":1},1],"a":1}')), 'schema', 'array order still counts');
  }
});

test('an exception inside the schema check (a stack overflow on deeply nested data) refuses the value; it does not throw', async (ctx) => {
  const deep = '['.repeat(100_000) + ']'.repeat(100_000);
  const recursive = { $ref: '#/definitions/n', definitions: { n: { type: 'array', items: { $ref: '#/definitions/n' } } } };
  for (const schema of [{ type: 'array', uniqueItems: true }, recursive]) {
    const v = validator(ctx, schema);
    const r = await judge(v, `[${deep},${deep}]`);
    assert.equal(
      [reasonOf(r), errorOf(r)],
      ['schema', 'cannot be checked against the schema: RangeError: Maximum call stack size exceeded'],
      JSON.stringify(schema),
    );
    assert.equal(await judge(v, '[[],[[]]]'), { ok: true }, 'positive control');
  }
});

test.run();
