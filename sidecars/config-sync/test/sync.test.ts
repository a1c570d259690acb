import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { quietFor, until } from '../../lib/test-support/wait.js';
import { file, metric, put, track, world, worldSuite } from './world.js';

const test = worldSuite('ConfigSync');

test('a valid value is written, the app is told once, and the metrics say which revision it runs', async (ctx) => {
  const w = await track(ctx, world());
  assert.equal(w.sync.readiness(), { ready: false, reason: 'no config yet: etcd not reached yet' });
  await put(w, 5, '{"version":"a"}', true);
  assert.is(file(w), '{"version":"a"}');
  assert.is(w.reloads, 1);
  assert.equal(w.sync.readiness(), { ready: true });
  assert.equal(
    [
      metric(w, 'config_sync_applied_revision'),
      metric(w, 'config_sync_writes_total'),
      metric(w, 'config_sync_reloads_total{method="signal",result="ok"}'),
    ],
    [5, 1, 1],
  );
});

test('invalid values are never written nor signalled, each says why, and the next valid value is applied', async (ctx) => {
  const w = await track(ctx, world());
  await put(w, 2, '{"version":"good-1"}');
  await put(w, 3, '{"version": ');
  await put(w, 4, '{"version": 4}');
  assert.is(file(w), '{"version":"good-1"}', 'the file still holds the last good value');
  assert.is(w.reloads, 1, 'no reload for the bad values');
  assert.equal(
    [metric(w, 'config_sync_updates_rejected_total{reason="json"}'), metric(w, 'config_sync_updates_rejected_total{reason="schema"}')],
    [1, 1],
  );
  assert.is(metric(w, 'config_sync_last_error_info{error="revision 4 was rejected (schema): /version: must be string, is number"}'), 1);
  const rejected = w.logs.filter((l) => l.msg === 'update rejected; keeping the last good config');
  assert.equal(
    rejected.map((l) => [l.revision, l.reason, l.level]),
    [
      [3, 'json', 'error'],
      [4, 'schema', 'error'],
    ],
  );
  assert.equal(w.sync.readiness(), { ready: true }, 'still ready: the last good file is there');
  await put(w, 5, '{"version":"good-2"}');
  assert.is(file(w), '{"version":"good-2"}');
  assert.is(w.reloads, 2);
  assert.is(metric(w, 'config_sync_applied_revision'), 5);
  assert.equal(w.registry.undeclaredLabels(), [], 'every series carries only the labels its metric declares');
});

test('a sidecar restarted beside an unchanged config adopts the file, is ready before etcd answers, and does not tell the app again', async (ctx) => {
  const first = await track(ctx, world());
  await put(first, 7, '{"version":"v7"}');
  await first.sync.stop();
  const again = await track(ctx, world(first.dir));
  assert.equal(again.sync.readiness(), { ready: true }, 'ready from the file on disk');
  assert.ok(again.logs.some((l) => l.msg === 'using the config file on disk until etcd answers'));
  await put(again, 7, '{"version":"v7"}', true);
  assert.is(again.reloads, 0, 'no reload');
  assert.is(metric(again, 'config_sync_writes_total'), 0, 'no write');
  assert.is(metric(again, 'config_sync_applied_revision'), 7);
  assert.ok(again.logs.some((l) => l.msg === 'value unchanged; not reloading the app'));
  await put(again, 8, '{"version":"v8"}');
  assert.is(again.reloads, 1, 'positive control: a real change is still applied');
});

test('an invalid file on disk is not adopted: not ready until etcd gives a valid value', async (ctx) => {
  const dir = mkdtempSync(join(tmpdir(), 'config-sync-sync-'));
  writeFileSync(join(dir, 'config.json'), '{"version": 1}');
  const w = await track(ctx, world(dir));
  assert.is(w.sync.readiness().ready, false);
  await put(w, 3, '{"version":"ok"}', true);
  assert.equal(w.sync.readiness(), { ready: true });
  assert.is(w.reloads, 1);
});

test('not ready, with the reason: etcd unreachable, key missing, or the only value rejected', async (ctx) => {
  const w = await track(ctx, world());
  w.sync.hooks.failed('POST http://etcd:2379/v3/kv/range: fetch failed: ENOTFOUND', 100);
  assert.equal(w.sync.readiness(), {
    ready: false,
    reason: 'no config yet: etcd POST http://etcd:2379/v3/kv/range: fetch failed: ENOTFOUND',
  });
  await put(w, 1, null, true);
  assert.equal(w.sync.readiness(), { ready: false, reason: 'no config yet: key /cfg does not exist in etcd' });
  assert.is(metric(w, 'config_sync_updates_rejected_total{reason="deleted"}'), 0, 'a key not set yet is not a rejection');
  await put(w, 2, 'nope');
  assert.match(w.sync.readiness().reason ?? '', /^no config yet: revision 2 was rejected \(json\)/);
});

test('a deleted key leaves the file in place and is counted as rejected', async (ctx) => {
  const w = await track(ctx, world());
  await put(w, 2, '{"version":"kept"}');
  await put(w, 3, null);
  assert.is(file(w), '{"version":"kept"}');
  assert.is(metric(w, 'config_sync_updates_rejected_total{reason="deleted"}'), 1);
  assert.equal(w.sync.readiness(), { ready: true });
});

test('a failed reload is reported, and retried (without writing again) when the rules are reloaded', async (ctx) => {
  const w = await track(ctx, world());
  w.failReload = true;
  await put(w, 2, '{"version":"x"}');
  assert.is(metric(w, 'config_sync_reloads_total{method="signal",result="error"}'), 1);
  assert.is(metric(w, 'config_sync_applied_revision'), 0, 'not applied: the app was not told');
  assert.ok(w.logs.some((l) => l.msg === 'written, but the app was not told'));
  w.failReload = false;
  w.sync.revalidate();
  await w.sync.gate.settled();
  assert.is(w.reloads, 1);
  assert.is(metric(w, 'config_sync_writes_total'), 1, 'written once');
  assert.is(metric(w, 'config_sync_applied_revision'), 2);
});

test('a value refused under the old schema is applied after the schema file changes and the rules are reloaded', async (ctx) => {
  const w = await track(ctx, world());
  await put(w, 2, '{"version": 2}');
  assert.is(w.reloads, 0);
  writeFileSync(w.schema, JSON.stringify({ type: 'object', required: ['version'] }));
  assert.equal(await w.rules.reload('SIGHUP'), { ok: true });
  w.sync.revalidate();
  await w.sync.gate.settled();
  assert.is(file(w), '{"version": 2}');
  assert.is(w.reloads, 1);
});

test('with a minimum apply interval, a burst of values is coalesced and ends at the newest', async (ctx) => {
  const w = await track(ctx, world(undefined, 300));
  const t0 = Date.now();
  for (let i = 1; i <= 10; i++) {
    w.sync.hooks.update({ revision: i + 1, version: i, value: Buffer.from(JSON.stringify({ version: `v${i}` })) });
    await quietFor(20, 'a 20 ms gap between two values of the burst');
  }
  // The event: the gate has written the newest value (no fixed wait); then nothing may still be pending.
  // The burst takes 200 ms on a quiet machine, longer on a loaded one: at most one apply per 300 ms of it, plus the first.
  const burstMs = Date.now() - t0;
  await until('the newest value written', () => file(w) === '{"version":"v10"}');
  await w.sync.gate.settled();
  assert.is(file(w), '{"version":"v10"}');
  const most = 1 + Math.ceil(burstMs / 300);
  assert.ok(w.reloads >= 1 && w.reloads <= most, `${w.reloads} reloads for 10 values in ${burstMs} ms (at most ${most})`);
});

test('a config file that becomes a directory while running: the write fails with one log line naming --file, the last good config stays, and the next change after it is gone is applied', async (ctx) => {
  const w = await track(ctx, world());
  await put(w, 2, '{"version":"good"}');
  rmSync(join(w.dir, 'config.json'));
  mkdirSync(join(w.dir, 'config.json'));
  await put(w, 3, '{"version":"next"}');
  const failed = w.logs.filter((l) => l.msg === 'write failed; the old file stays');
  assert.equal(
    failed.map((l) => l.error),
    [`invalid --file (CONFIG_SYNC_FILE): ${join(w.dir, 'config.json')} is a directory, not a file`],
  );
  assert.equal(w.sync.readiness(), { ready: true }, 'still ready on the last good config');
  assert.is(w.reloads, 1, 'the app was not told of a file that was not written');
  rmSync(join(w.dir, 'config.json'), { recursive: true });
  await put(w, 4, '{"version":"last"}');
  assert.is(file(w), '{"version":"last"}');
  assert.is(w.reloads, 2);
});

test('a config file on disk that cannot be read at start (a link loop) is taken for no file: one warning naming --file, and the first value replaces it', async (ctx) => {
  const dir = mkdtempSync(join(tmpdir(), 'config-sync-loop-'));
  symlinkSync('config.json', join(dir, 'config.json'));
  const w = await track(ctx, world(dir));
  const warned = w.logs.filter((l) => l.msg === 'the config file on disk cannot be read; waiting for etcd');
  assert.equal(
    warned.map((l) => l.error),
    [`invalid --file (CONFIG_SYNC_FILE): ${join(dir, 'config.json')} cannot be read (ELOOP)`],
  );
  await put(w, 2, '{"version":"first"}');
  assert.is(file(w), '{"version":"first"}');
  assert.equal(w.sync.readiness(), { ready: true });
});

test.run();
