// Property-based tests of the value rules: any bytes get a verdict (never an exception), an accepted
// value is exactly what is written, and the refusals that matter hold for every generated case.
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseValue } from '../src/json-value.js';
import { makeValidator, type Validator, type Verdict } from '../src/validate.js';

interface Ctx {
  dir: string;
  n: number;
}
const test = suite<Ctx>('value rules (property-based)', {} as Ctx);
test.before((ctx) => {
  ctx.dir = mkdtempSync(join(tmpdir(), 'config-sync-fuzz-'));
  ctx.n = 0;
});
test.after((ctx) => rmSync(ctx.dir, { recursive: true, force: true }));

const RUNS = { numRuns: 200 };
function validator(ctx: Ctx, schema?: unknown): Validator {
  if (schema === undefined) return makeValidator({ format: 'json', timeoutMs: 1000 });
  const schemaFile = join(ctx.dir, `schema-${ctx.n++}.json`);
  writeFileSync(schemaFile, JSON.stringify(schema));
  return makeValidator({ format: 'json', schemaFile, timeoutMs: 1000 });
}

/** Any JSON type, nested any depth through the $ref: the data drives the recursion. */
const RECURSIVE = {
  $ref: '#/definitions/n',
  definitions: {
    n: {
      type: ['array', 'object', 'integer', 'number', 'string', 'boolean', 'null'],
      items: { $ref: '#/definitions/n' },
      additionalProperties: { $ref: '#/definitions/n' },
      uniqueItems: true,
    },
  },
};
const utf8 = (b: Uint8Array) => Buffer.from(Buffer.from(b).toString('utf8')).equals(b); // invalid bytes become U+FFFD
const exact = (v: unknown): boolean =>
  typeof v === 'number'
    ? Math.abs(v) <= Number.MAX_SAFE_INTEGER
    : Array.isArray(v)
      ? v.every(exact)
      : v !== null && typeof v === 'object'
        ? Object.values(v).every(exact)
        : true;
const nested = fc
  .record({ depth: fc.integer({ min: 1, max: 10_000 }), open: fc.constantFrom('[', '{"a":', '[0,') })
  .map(({ depth, open }) => `${open.repeat(depth)}0${(open === '[' || open === '[0,' ? ']' : '}').repeat(depth)}`);
const REASONS = ['json', 'schema'];

/** Every verdict is an acceptance or a refusal with a known reason and a reason text. */
function wellFormed(r: Verdict): boolean {
  return r.ok ? Object.keys(r).length === 1 : REASONS.includes(r.reason) && typeof r.error === 'string' && r.error.length > 0;
}

test('no exception escapes the validator: any bytes, string, JSON value or nesting depth gets a verdict', async (ctx) => {
  const validators = [validator(ctx), validator(ctx, RECURSIVE), validator(ctx, { type: 'array', uniqueItems: true })];
  const input = fc.oneof(
    fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
    fc.string({ unit: 'binary', maxLength: 300 }).map((s) => Buffer.from(s)),
    fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? 'null')),
    nested.map((s) => Buffer.from(s)),
  );
  let verdicts = 0;
  await fc.assert(
    fc.asyncProperty(input, async (bytes) => {
      for (const v of validators) {
        const r = await v(bytes); // an exception here fails the property
        assert.ok(wellFormed(r), JSON.stringify(r));
        if (!r.ok && r.reason === 'schema' && /^cannot be checked/.test(r.error))
          assert.is(r.error, 'cannot be checked against the schema: RangeError: Maximum call stack size exceeded');
        verdicts++;
      }
    }),
    RUNS,
  );
  assert.is(verdicts, 3 * RUNS.numRuns);
});

test('bytes are accepted only when they are UTF-8 that JSON.parse reads; other bytes are refused for reason json', async (ctx) => {
  const v = validator(ctx);
  const bytes = fc.oneof(
    fc.uint8Array({ maxLength: 40 }),
    fc.tuple(fc.jsonValue({ maxDepth: 2 }), fc.uint8Array({ maxLength: 3 }), fc.nat(20)).map(([j, junk, at]) => {
      const b = Buffer.from(JSON.stringify(j) ?? 'null');
      return Buffer.concat([b.subarray(0, at), junk, b.subarray(at)]);
    }),
  );
  await fc.assert(
    fc.asyncProperty(bytes, async (b) => {
      const r = await v(Buffer.from(b));
      if (!utf8(b))
        assert.equal(r, { ok: false, reason: 'json', error: 'not UTF-8: the bytes hold an invalid or overlong UTF-8 sequence' });
      else if (r.ok) assert.not.throws(() => JSON.parse(Buffer.from(b).toString('utf8')));
      else assert.is(r.reason, 'json');
    }),
    RUNS,
  );
});

test('a JSON value is accepted exactly when its numbers are within ±(2^53-1), and then its bytes and its object round-trip unchanged', async (ctx) => {
  const v = validator(ctx, true);
  await fc.assert(
    fc.asyncProperty(fc.jsonValue({ stringUnit: 'binary' }), fc.boolean(), async (value, pretty) => {
      const bytes = Buffer.from(JSON.stringify(value, null, pretty ? 2 : undefined));
      const r = await v(bytes);
      assert.is(r.ok, exact(value), JSON.stringify(r));
      if (!r.ok) {
        assert.match(r.error, /^not JSON: the number .* is beyond ±\(2\^53-1\)/s); // s: a key may hold a newline
        return;
      }
      const judged = parseValue(bytes);
      const written = Buffer.from(new TextDecoder('utf-8', { fatal: true }).decode(bytes)); // what the app's reader decodes
      assert.ok(written.equals(bytes), 'the bytes decode and encode back to themselves');
      assert.equal(judged, { ok: true, doc: JSON.parse(written.toString('utf8')) }, 'the app reads the object that was judged');
      assert.equal(judged.ok && judged.doc, value, 'which is the value that was sent');
    }),
    RUNS,
  );
});

const PROTO = [
  '__proto__',
  'constructor',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  '__defineGetter__',
  '__lookupSetter__',
];
const scalar = fc
  .oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 3 }))
  .map((x) => JSON.stringify(x));

test('a value with an inherited name as a key (__proto__, constructor, ...) never passes additionalProperties: false, at any level', async (ctx) => {
  const v = validator(ctx, {
    type: 'object',
    additionalProperties: false,
    properties: {
      version: { type: 'string' },
      nested: { type: 'object', additionalProperties: false, properties: { a: { type: 'integer' } } },
    },
  });
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...PROTO), scalar, fc.boolean(), fc.boolean(), async (key, value, inNested, first) => {
      const extra = `${JSON.stringify(key)}:${value}`;
      const inner = first ? `{${extra},"a":1}` : `{"a":1,${extra}}`;
      const text = inNested ? `{"version":"1","nested":${inner}}` : first ? `{${extra},"version":"1"}` : `{"version":"1",${extra}}`;
      assert.equal(await v(Buffer.from(text)), {
        ok: false,
        reason: 'schema',
        error: `${inNested ? '/nested' : '/'}: ${JSON.stringify(key)} is not an allowed property`,
      });
    }),
    RUNS,
  );
});

test('required names an own property: an object without it is refused even when it inherits that name', async (ctx) => {
  const schemas = new Map(PROTO.map((k) => [k, validator(ctx, { type: 'object', required: [k] })]));
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...PROTO),
      fc.dictionary(
        fc.string().filter((k) => !PROTO.includes(k)),
        fc.integer(),
        { maxKeys: 4 },
      ),
      async (key, others) => {
        const v = schemas.get(key)!;
        assert.equal(await v(Buffer.from(JSON.stringify(others))), {
          ok: false,
          reason: 'schema',
          error: `/: ${JSON.stringify(key)} is required`,
        });
        const withIt = `{${JSON.stringify(key)}:1${Object.keys(others).length ? ',' : ''}${JSON.stringify(others).slice(1)}`;
        assert.equal(await v(Buffer.from(withIt)), { ok: true });
      },
    ),
    RUNS,
  );
});

/** Another spelling of the same key: some UTF-16 units written as \uXXXX escapes. */
const spell = (key: string, mask: boolean[]) =>
  `"${key
    .split('')
    .map((u, i) =>
      mask[i % Math.max(1, mask.length)] ? `\\u${u.charCodeAt(0).toString(16).padStart(4, '0')}` : JSON.stringify(u).slice(1, -1),
    )
    .join('')}"`;
const pointerPart = (s: string | number) => String(s).replace(/~/g, '~0').replace(/\//g, '~1');

test('JSON with a key given twice in one object is always refused for reason json, naming the key and where its object is', async (ctx) => {
  const v = validator(ctx);
  const key = fc.oneof(fc.string(), fc.string({ unit: 'binary', maxLength: 6 }));
  const wrapper = fc.oneof(fc.record({ arr: fc.nat(3) }), fc.record({ obj: fc.string({ maxLength: 4 }) }));
  const arb = fc.record({
    key,
    mask: fc.array(fc.boolean(), { maxLength: 5 }),
    before: fc.array(fc.tuple(fc.string({ maxLength: 3 }), scalar), { maxLength: 3 }),
    between: fc.array(scalar, { maxLength: 2 }),
    values: fc.tuple(scalar, scalar),
    wrappers: fc.array(wrapper, { maxLength: 5 }),
  });
  await fc.assert(
    fc.asyncProperty(arb, async ({ key, mask, before, between, values, wrappers }) => {
      const seen = new Set([key]);
      const others = before.filter(([k]) => !seen.has(k) && seen.add(k)).map(([k, x]) => `${JSON.stringify(k)}:${x}`);
      const fillers = between.map((x, i) => `"\\u0000filler${i}":${x}`);
      let text = `{${[...others, `${JSON.stringify(key)}:${values[0]}`, ...fillers, `${spell(key, mask)}:${values[1]}`].join(',')}}`;
      const path: (string | number)[] = [];
      for (const w of wrappers) {
        if ('arr' in w) {
          text = `[${'0,'.repeat(w.arr)}${text}]`;
          path.unshift(w.arr);
        } else {
          text = `{${JSON.stringify(w.obj)}:${text}}`;
          path.unshift(w.obj);
        }
      }
      const at = `/${path.map(pointerPart).join('/')}`;
      assert.equal(await v(Buffer.from(text)), {
        ok: false,
        reason: 'json',
        error: `not JSON: duplicate key ${JSON.stringify(key)} in the object at ${at}`,
      });
    }),
    RUNS,
  );
});

test.run();
