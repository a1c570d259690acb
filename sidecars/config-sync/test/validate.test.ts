import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { SchemaError } from '../src/schema.js';
import { makeValidator, runCommand } from '../src/validate.js';

interface Ctx {
  dir: string;
  schema: string;
}
const test = suite<Ctx>('makeValidator', {} as Ctx);
test.before((ctx) => {
  ctx.dir = mkdtempSync(join(tmpdir(), 'config-sync-validate-'));
  ctx.schema = join(ctx.dir, 'schema.json');
  writeFileSync(ctx.schema, JSON.stringify({ type: 'object', required: ['version'], properties: { version: { type: 'string' } } }));
});
test.after((ctx) => rmSync(ctx.dir, { recursive: true, force: true }));

const b = (s: string) => Buffer.from(s);

test('format json: a value that does not parse is rejected for reason json', async () => {
  const v = makeValidator({ format: 'json', timeoutMs: 1000 });
  const r = await v(b('{"version": '));
  assert.is(r.ok, false);
  assert.equal(r.ok ? '' : r.reason, 'json');
  assert.match(r.ok ? '' : r.error, /^not JSON: /);
  assert.equal(await v(b('{"version": "1"}')), { ok: true });
});

test('a schema rejects a value that parses but breaks a rule, for reason schema, saying which rule', async ({ schema }) => {
  const v = makeValidator({ format: 'json', schemaFile: schema, timeoutMs: 1000 });
  assert.equal(await v(b('{"version": 2}')), { ok: false, reason: 'schema', error: '/version: must be string, is number' });
  assert.equal(await v(b('{"version": "2"}')), { ok: true });
});

test('format text accepts any bytes when no command is given', async () => {
  assert.equal(await makeValidator({ format: 'text', timeoutMs: 1000 })(b('not json at all')), { ok: true });
});

test('a validate command sees the value on stdin; exit 0 accepts, anything else rejects with its last stderr line', async () => {
  const v = makeValidator({
    format: 'text',
    command: 'grep -q "^ok" || { echo "first line" >&2; echo "must start with ok" >&2; exit 3; }',
    timeoutMs: 2000,
  });
  assert.equal(await v(b('ok then')), { ok: true });
  assert.equal(await v(b('nope')), { ok: false, reason: 'command', error: 'validate command refused it: must start with ok' });
});

test('the command runs only after JSON and schema checks pass', async ({ dir, schema }) => {
  const marker = join(dir, 'ran');
  const v = makeValidator({ format: 'json', schemaFile: schema, command: `touch ${marker}`, timeoutMs: 1000 });
  const r = await v(b('{"version": 1}'));
  assert.is(r.ok ? '' : r.reason, 'schema');
  const { existsSync } = await import('node:fs');
  assert.is(existsSync(marker), false, 'the command did not run');
  assert.equal(await v(b('{"version": "1"}')), { ok: true });
  assert.is(existsSync(marker), true, 'positive control: it runs for a value that passed the schema');
});

test('a command that runs too long is killed and the value rejected', async () => {
  const t0 = Date.now();
  const r = await runCommand('sleep 5', b(''), 200);
  assert.equal(r, { code: null, why: 'timed out after 200 ms' });
  assert.ok(Date.now() - t0 < 2000);
});

test('a command that does not read its stdin still gives its verdict for a large value', async () => {
  const r = await runCommand('exit 0', Buffer.alloc(1 << 20, 120), 2000);
  assert.is(r.code, 0);
});

test('a schema with --format text, or a schema file that is not JSON, is refused up front', ({ dir, schema }) => {
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, '{ not json');
  for (const [o, pattern] of [
    [{ format: 'text' as const, schemaFile: schema, timeoutMs: 1 }, /needs --format json/],
    [{ format: 'json' as const, schemaFile: bad, timeoutMs: 1 }, /bad\.json is not a JSON file/],
  ] as const) {
    try {
      makeValidator(o);
      assert.unreachable('should throw');
    } catch (e) {
      assert.instance(e, SchemaError);
      assert.match((e as Error).message, pattern);
    }
  }
});

test.run();
