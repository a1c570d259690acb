import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createLogger } from '../log.js';
import { Counter, Gauge } from '../metrics.js';
import { Reloadable } from '../reloadable.js';

function setup(load: () => Promise<string> | string) {
  const logs: Record<string, unknown>[] = [];
  const reloads = new Counter('demo_reloads_total', 'h');
  const lastSuccess = new Gauge('demo_last_success', 'h');
  const r = new Reloadable(
    'config',
    load,
    createLogger('demo', 'debug', (l) => logs.push(JSON.parse(l))),
    reloads,
    lastSuccess,
  );
  return { r, logs, reloads, lastSuccess };
}

const test = suite('Reloadable');

test('the value cannot be read before the first successful load', () => {
  const { r } = setup(() => 'v1');
  assert.is(r.loaded, false);
  try {
    void r.value;
    assert.unreachable('should throw');
  } catch (e) {
    assert.instance(e, Error);
    assert.is((e as Error).message, 'config has not been loaded');
  }
});

test('a successful load sets the value, counts ok and stamps the last-success gauge', async () => {
  const { r, reloads, lastSuccess, logs } = setup(async () => 'v1');
  const before = Date.now() / 1000;
  assert.equal(await r.reload('start'), { ok: true });
  assert.is(r.value, 'v1');
  assert.is(r.loaded, true);
  assert.is(reloads.get({ result: 'ok' }), 1);
  assert.is(reloads.get({ result: 'error' }), 0);
  assert.ok(lastSuccess.get() >= before && lastSuccess.get() <= Date.now() / 1000);
  assert.equal(
    logs.map((l) => [l.level, l.msg, l.reason]),
    [['info', 'config loaded', 'start']],
  );
});

test('a failed first load leaves nothing loaded, counts error and says so', async () => {
  const { r, reloads, lastSuccess, logs } = setup(() => {
    throw new Error('bad file');
  });
  assert.equal(await r.reload('start'), { ok: false, error: 'bad file' });
  assert.is(r.loaded, false);
  assert.is(r.lastError, 'bad file');
  assert.is(reloads.get({ result: 'error' }), 1);
  assert.is(lastSuccess.get(), 0, 'no success to stamp');
  assert.equal(
    logs.map((l) => [l.level, l.msg, l.error]),
    [['error', 'config reload failed; nothing loaded yet', 'bad file']],
  );
});

test('a failed reload keeps the last good value, and the next good one replaces it and clears the error', async () => {
  const results: (string | Error)[] = ['v1', new Error('half-written file'), 'v2'];
  const { r, reloads, lastSuccess, logs } = setup(async () => {
    const next = results.shift()!;
    if (next instanceof Error) throw next;
    return next;
  });
  await r.reload('start');
  const stamped = lastSuccess.get();
  lastSuccess.set(0);
  assert.equal(await r.reload('poll'), { ok: false, error: 'half-written file' });
  assert.is(r.value, 'v1');
  assert.is(r.lastError, 'half-written file');
  assert.is(lastSuccess.get(), 0, 'a failure must not stamp the last-success gauge');
  assert.is(logs[1]!.msg, 'config reload failed; keeping the last good one');
  assert.equal(await r.reload('SIGHUP'), { ok: true });
  assert.is(r.value, 'v2');
  assert.is(r.lastError, undefined);
  assert.ok(lastSuccess.get() >= stamped);
  assert.is(reloads.get({ result: 'ok' }), 2);
  assert.is(reloads.get({ result: 'error' }), 1);
});

test.run();
