// What reaches the app's file: only a value that was judged, exactly as it was judged; a value whose
// judging fails is refused out loud, never lost.
import fc from 'fast-check';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import type { Validator } from '../src/validate.js';
import { file, metric, put, track, VERSION_SCHEMA, world, worldSuite } from './world.js';

const test = worldSuite('ConfigSync values');

test('a value whose validation throws is rejected with a log line, last_error and the rejected metric; the next value is applied', async (ctx) => {
  const throwing: Validator = async (value) => {
    if (value.toString() === '"boom"') throw new RangeError('Maximum call stack size exceeded');
    return { ok: true };
  };
  const w = await track(ctx, world(undefined, 0, VERSION_SCHEMA, throwing));
  await put(w, 2, '"boom"');
  assert.is(file(w), undefined, 'nothing written');
  assert.is(metric(w, 'config_sync_updates_rejected_total{reason="error"}'), 1);
  assert.is(
    metric(
      w,
      'config_sync_last_error_info{error="revision 2 was rejected (error): validation failed: RangeError: Maximum call stack size exceeded"}',
    ),
    1,
  );
  const said = w.logs.filter((l) => l.msg === 'update rejected; keeping the last good config');
  assert.equal(
    said.map((l) => [l.revision, l.reason, l.level]),
    [[2, 'error', 'error']],
  );
  assert.match(w.sync.readiness().reason ?? '', /^no config yet: revision 2 was rejected \(error\)/);
  await put(w, 3, '"fine"');
  assert.is(file(w), '"fine"');
  assert.is(w.reloads, 1);
});

test('a validator that throws on the file left on disk does not fail the start: the file is not adopted, and a warning says why', async (ctx) => {
  const dir = mkdtempSync(join(tmpdir(), 'config-sync-sync-'));
  writeFileSync(join(dir, 'config.json'), '"boom"');
  const throwing: Validator = async () => {
    throw new Error('broken validator');
  };
  const w = await track(ctx, world(dir, 0, VERSION_SCHEMA, throwing));
  assert.is(w.sync.readiness().ready, false);
  const warned = w.logs.filter((l) => l.msg === 'the config file on disk is not valid; waiting for etcd');
  assert.equal(
    warned.map((l) => [l.reason, l.error]),
    [['error', 'validation failed: Error: broken validator']],
  );
});

test('a deeply nested value that overflows the stack in the schema check is rejected for reason schema, and never written', async (ctx) => {
  const w = await track(ctx, world(undefined, 0, { type: 'array', uniqueItems: true }));
  const deep = '['.repeat(100_000) + ']'.repeat(100_000);
  await put(w, 2, `[${deep},${deep}]`);
  assert.is(file(w), undefined);
  assert.is(metric(w, 'config_sync_updates_rejected_total{reason="schema"}'), 1);
  assert.is(
    metric(
      w,
      'config_sync_last_error_info{error="revision 2 was rejected (schema): cannot be checked against the schema: RangeError: Maximum call stack size exceeded"}',
    ),
    1,
  );
  assert.is(w.logs.filter((l) => l.msg === 'update rejected; keeping the last good config').length, 1);
});

test("a value with keys such as __proto__ or constructor never reaches the app's file under additionalProperties: false", async (ctx) => {
  const w = await track(ctx, world(undefined, 0, { ...VERSION_SCHEMA, additionalProperties: false }));
  await put(w, 2, '{"version":"good"}');
  await put(w, 3, '{"version":"bad","__proto__":{"admin":true}}');
  await put(w, 4, '{"version":"bad","constructor":{"prototype":{}}}');
  assert.is(file(w), '{"version":"good"}');
  assert.is(w.reloads, 1);
  assert.is(metric(w, 'config_sync_updates_rejected_total{reason="schema"}'), 2);
  assert.is(
    metric(w, 'config_sync_last_error_info{error="revision 4 was rejected (schema): /: \\"constructor\\" is not an allowed property"}'),
    1,
  );
});

test('property: the file always holds exactly the bytes of the last accepted value, and every value is written or refused once', async () => {
  const value = fc.oneof(
    fc.record({ version: fc.string({ unit: 'binary' }) }).map((v) => Buffer.from(JSON.stringify(v))),
    fc.jsonValue({ maxDepth: 2 }).map((v) => Buffer.from(JSON.stringify(v))),
    fc.uint8Array({ maxLength: 30 }).map((b) => Buffer.from(b)),
    fc.constantFrom('{"version":"a","version":"b"}', '{"version":"x","__proto__":1}', '{"version":"y"}').map((s) => Buffer.from(s)),
  );
  await fc.assert(
    fc.asyncProperty(fc.array(value, { minLength: 1, maxLength: 6 }), async (values) => {
      const w = await world(undefined, 0, { ...VERSION_SCHEMA, additionalProperties: false });
      try {
        let onDisk: Buffer | undefined;
        let writes = 0;
        let rejected = 0;
        for (const [i, v] of values.entries()) {
          const verdict = await w.rules.value(v);
          w.sync.hooks.update({ revision: i + 2, version: i + 1, value: v });
          await w.sync.gate.settled();
          if (verdict.ok && !onDisk?.equals(v)) {
            onDisk = v;
            writes++;
          }
          if (!verdict.ok) rejected++;
          const now = (() => {
            try {
              return readFileSync(join(w.dir, 'config.json'));
            } catch {
              return undefined;
            }
          })();
          assert.equal(now, onDisk, `after value ${i}`);
        }
        const byReason = ['json', 'schema', 'command', 'deleted', 'error'].map(
          (r) => metric(w, `config_sync_updates_rejected_total{reason="${r}"}`) ?? 0,
        );
        assert.equal([metric(w, 'config_sync_writes_total'), w.reloads, byReason.reduce((a, b) => a + b, 0)], [writes, writes, rejected]);
      } finally {
        await w.sync.stop();
        rmSync(w.dir, { recursive: true, force: true });
        rmSync(w.schema, { force: true });
      }
    }),
    { numRuns: 100 },
  ); // each run starts a ConfigSync and writes up to 6 files
});

test.run();
