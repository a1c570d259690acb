// The identity directory as Kubernetes projected volumes (and the stack's CA) lay it out: tls.crt,
// tls.key and ca.crt are links through `..data` to a timestamped directory, and an update writes a new
// timestamped directory, renames a new `..data` link over the old one (atomic) and removes the old
// directory. mesh-proxy, as a process under steady load, serves each new identity to new connections
// with no failed request, and refuses a bad one while it keeps the last good.
import { X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { until } from './mesh.js';
import type { MeshPki } from './pki.js';
import { backendSuite, backendUnderLoad, DRAIN_MS, stopsCleanly } from './process.js';

const test = backendSuite('mesh-proxy process: ..data swaps of the identity directory');

/**
 * A projected-volume identity directory. prepare() writes a new identity (or a bad set) into a new
 * timestamped directory, not yet seen; swap() publishes one (a new one if none is given) and returns its
 * serial. Sets are prepared before the load starts: openssl, run synchronously, would stall the test's
 * own clients for as long as it takes.
 */
function projected(pki: MeshPki, root: string) {
  mkdirSync(root);
  let n = 0;
  let current: string | undefined;
  const prepare = (bad?: 'foreign key') => {
    const stamp = `..2026_11_23_00_00_${String(n++).padStart(2, '0')}.${process.pid}`;
    const dir = pki.identity('backend', { into: join(root, stamp) });
    if (bad) {
      const other = pki.identity('backend', { into: join(pki.dir, `other-${n}`) });
      writeFileSync(join(dir, 'tls.key'), readFileSync(join(other, 'tls.key')));
    }
    return stamp;
  };
  const swap = (stamp = prepare()) => {
    symlinkSync(stamp, join(root, '..data_tmp'));
    renameSync(join(root, '..data_tmp'), join(root, '..data'));
    if (current) rmSync(join(root, current), { recursive: true });
    current = stamp;
    return new X509Certificate(readFileSync(join(root, stamp, 'tls.crt'))).serialNumber.toUpperCase();
  };
  const first = swap();
  for (const f of ['tls.crt', 'tls.key', 'ca.crt']) symlinkSync(join('..data', f), join(root, f));
  return { first, prepare, swap };
}

test('under steady load, 5 ..data swaps: 0 failed requests, each new serial served to new connections and reported', async ({
  pki,
  app,
}) => {
  const id = projected(pki, join(pki.dir, 'projected'));
  const sets = Array.from({ length: 5 }, () => id.prepare());
  const { be, load, stop, serial } = await backendUnderLoad(pki, join(pki.dir, 'projected'), app);
  try {
    assert.is(await serial(), id.first);
    for (let i = 0; i < 5; i++) {
      const [sent, fresh] = [load.sent, load.fresh];
      await until('load between swaps', () => load.sent > sent + 10 && load.fresh > fresh + 3);
      const next = id.swap(sets[i]);
      await until(`swap ${i + 1} to be served`, async () => (await serial()) === next, 5000);
      assert.is(await be.metric('certificate_info', { serial: next }), 1);
      assert.is(await be.metric('certificate_info'), 1, 'one serial reported: the one served');
    }
    const [sent, fresh] = [load.sent, load.fresh];
    await until('load after the last swap', () => load.sent > sent + 10 && load.fresh > fresh + 3);
    await stop();
    assert.equal(load.failures, []);
    assert.ok(load.sent > 60 && load.fresh > 20, `${load.sent} requests through the frontend, ${load.fresh} on new connections`);
    assert.is(await be.metric('identity_reloads_total', { result: 'ok' }), 6, 'the start and each swap, each once');
    assert.is(await be.metric('identity_reloads_total', { result: 'error' }), 0, 'no swap was seen half done');
    assert.equal(await stopsCleanly(be, DRAIN_MS), []);
  } finally {
    await stop();
    be.kill();
  }
});

test('a swap to a set whose key is of another certificate is refused under load: counted, last good kept; the next good swap serves', async ({
  pki,
  app,
}) => {
  const id = projected(pki, join(pki.dir, 'projected-bad'));
  const [bad, good] = [id.prepare('foreign key'), id.prepare()];
  const { be, load, stop, serial } = await backendUnderLoad(pki, join(pki.dir, 'projected-bad'), app);
  try {
    id.swap(bad);
    await until('the bad set to be refused', async () => (await be.metric('identity_reloads_total', { result: 'error' })) === 1);
    assert.is(await serial(), id.first);
    assert.is(await be.metric('certificate_info', { serial: id.first }), 1);
    assert.ok(
      be.stdout.includes('identity reload failed; keeping the last good one') && be.stdout.includes('does not match the certificate'),
    );
    assert.equal(await be.health(), [200, 200]);
    const next = id.swap(good);
    await until('the good swap to be served', async () => (await serial()) === next, 5000);
    await stop();
    assert.equal(load.failures, []);
    assert.ok(load.sent > 0 && load.fresh > 0);
    assert.is(await be.metric('identity_reloads_total', { result: 'ok' }), 2);
    assert.is(await be.metric('identity_reloads_total', { result: 'error' }), 1);
    assert.equal(await stopsCleanly(be, DRAIN_MS), []);
  } finally {
    await stop();
    be.kill();
  }
});

test('10 swaps back to back, each old directory removed at once: the last identity is served, and no request fails', async ({
  pki,
  app,
}) => {
  const id = projected(pki, join(pki.dir, 'projected-burst'));
  const sets = Array.from({ length: 10 }, () => id.prepare());
  const { be, load, stop, serial } = await backendUnderLoad(pki, join(pki.dir, 'projected-burst'), app);
  try {
    await until('some load', () => load.sent > 10 && load.fresh > 3);
    let last = id.first;
    for (const set of sets) last = id.swap(set);
    await until('the last swap to be served', async () => (await serial()) === last, 5000);
    await until('its serial to be reported', async () => (await be.metric('certificate_info', { serial: last })) === 1);
    const [sent, fresh] = [load.sent, load.fresh];
    await until('load after the burst', () => load.sent > sent + 10 && load.fresh > fresh + 3);
    await stop();
    assert.equal(load.failures, []);
    assert.is(await be.metric('certificate_info'), 1);
    // A read may straddle a swap (a certificate of one set, the key of the next): refused and counted, then read again.
    const reloads =
      (await be.metric('identity_reloads_total', { result: 'ok' })) + (await be.metric('identity_reloads_total', { result: 'error' }));
    assert.ok(reloads >= 2 && reloads <= 1 + 2 * 10, `${reloads} reloads for 10 swaps (start included)`);
    assert.equal(await stopsCleanly(be, DRAIN_MS), []);
  } finally {
    await stop();
    be.kill();
  }
});

test.run();
