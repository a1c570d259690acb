// SIGHUP reload of mesh-proxy as a process. Its identity files here are links to files in another
// directory, and --reload-interval is 1h: the watch on the identity directory cannot see a change
// there, so only SIGHUP picks it up. A bad set is refused and the last good identity stays; a good one
// is served; every reload is counted and logged; a burst of signals under load fails no request; and
// SIGHUP during a drain is ignored, not fatal.
import { X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { exited } from '../../lib/test-support/child.js';
import { quietFor } from '../../lib/test-support/wait.js';
import { until } from './mesh.js';
import { exchange, request } from './peer.js';
import type { MeshPki } from './pki.js';
import { backendSuite, backendUnderLoad, DRAIN_MS, stopsCleanly } from './process.js';

const test = backendSuite('mesh-proxy process: SIGHUP');

const ONLY_SIGHUP = ['--reload-interval', '1h'];

/** An identity dir whose files link to a store dir (where the test writes); the store's serial now. */
function linked(pki: MeshPki, name: string) {
  const store = pki.identity('backend', { into: join(pki.dir, `${name}-store`) });
  const dir = join(pki.dir, name);
  mkdirSync(dir);
  for (const f of ['tls.crt', 'tls.key', 'ca.crt']) symlinkSync(join(store, f), join(dir, f));
  const serial = () => new X509Certificate(readFileSync(join(store, 'tls.crt'))).serialNumber.toUpperCase();
  return { dir, store, serial };
}

const lines = (stdout: string, msg: string) =>
  stdout.split('\n').filter((l) => l.includes(`"msg":"${msg}"`) && l.includes('"reason":"SIGHUP"')).length;

test('SIGHUP alone picks up a change: a bad set is refused and counted, the last good served; then a good set is served', async ({
  pki,
  app,
}) => {
  const id = linked(pki, 'linked');
  const first = id.serial();
  // Made before the load starts: openssl, run synchronously, would stall the test's own clients.
  const other = pki.identity('backend', { into: join(pki.dir, 'other') });
  const next = pki.identity('backend', { into: join(pki.dir, 'next') });
  const { be, load, stop, serial } = await backendUnderLoad(pki, id.dir, app, ONLY_SIGHUP);
  const metric = (result: string) => be.metric('identity_reloads_total', { result });
  try {
    writeFileSync(join(id.store, 'tls.key'), readFileSync(join(other, 'tls.key')));
    await quietFor(1000, 'no reload without SIGHUP: the change is outside the watched directory, the interval 1h');
    assert.is(await metric('error'), 0);
    be.child.kill('SIGHUP');
    await until('the SIGHUP reload to be refused', async () => (await metric('error')) === 1);
    await until('its log line', () => lines(be.stdout, 'identity reload failed; keeping the last good one') === 1);
    assert.is(await serial(), first);
    assert.is(await be.metric('certificate_info', { serial: first }), 1);
    assert.equal(await be.health(), [200, 200]);
    for (const f of ['tls.key', 'tls.crt']) renameSync(join(next, f), join(id.store, f)); // key first, as the CA publishes
    be.child.kill('SIGHUP');
    await until('the good set to be served', async () => (await serial()) === id.serial());
    assert.is(await metric('ok'), 2);
    assert.is(await be.metric('certificate_info', { serial: id.serial() }), 1);
    assert.is(await be.metric('certificate_info'), 1);
    await stop();
    assert.equal(load.failures, []);
    assert.equal(await stopsCleanly(be, DRAIN_MS), []);
  } finally {
    await stop();
    be.kill();
  }
});

test('20 SIGHUPs one by one, then 20 at once, under load: no failed request, every reload ok, counted as logged', async ({ pki, app }) => {
  const id = linked(pki, 'burst');
  const { be, load, stop } = await backendUnderLoad(pki, id.dir, app, ONLY_SIGHUP);
  const ok = () => be.metric('identity_reloads_total', { result: 'ok' });
  try {
    for (let i = 1; i <= 20; i++) {
      be.child.kill('SIGHUP');
      await until(`reload ${i}`, async () => (await ok()) === 1 + i);
    }
    for (let i = 0; i < 20; i++) be.child.kill('SIGHUP');
    // Signals that come together may be delivered as one: at least one more reload, and as many logged as counted.
    await until('the burst to reload, and its lines to be logged', async () => {
      const n = await ok();
      return n > 21 && lines(be.stdout, 'identity loaded') === n - 1;
    });
    const [sent, fresh] = [load.sent, load.fresh];
    await until('load after the burst', () => load.sent > sent + 10 && load.fresh > fresh + 3);
    await stop();
    assert.equal(load.failures, []);
    assert.is(await be.metric('identity_reloads_total', { result: 'error' }), 0);
    assert.equal(await stopsCleanly(be, DRAIN_MS), []);
  } finally {
    await stop();
    be.kill();
  }
});

test('SIGHUP during a drain is ignored: the request in flight gets its 200 and the process exits 0', async ({ pki, app }) => {
  const id = linked(pki, 'drain');
  const { be, stop } = await backendUnderLoad(pki, id.dir, app, ONLY_SIGHUP);
  try {
    await stop();
    app.delayMs = 1000;
    const seen = app.seen.length;
    const inFlight = exchange('127.0.0.1', be.inbound, request('/slow'), {
      identity: join(pki.dir, 'id-frontend'),
      ca: readFileSync(pki.caFile),
    });
    await until('the request to reach the app', () => app.seen.length === seen + 1);
    be.child.kill('SIGTERM');
    await until('the drain to start', () => be.stdout.includes('"msg":"draining"'));
    be.child.kill('SIGHUP');
    const answer = await inFlight;
    assert.is(answer.status, 200, answer.text);
    assert.equal(await exited(be, DRAIN_MS + 3000), { code: 0, signal: null });
    assert.is(lines(be.stdout, 'identity loaded'), 0, 'no reload once draining');
    assert.is(be.stderr, '');
  } finally {
    await stop();
    be.kill();
  }
});

test.run();
