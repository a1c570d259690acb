// Identity rotation: the CA rewrites a pod's identity directory before the certificate expires. The new
// certificate is served to new connections with no restart and no failed request; a set that does not
// hold together is refused and the last good identity stays.
import { copyFileSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { call, meshSuite, until } from './mesh.js';
import { servedSerial, steadyLoad } from './peer.js';

const test = meshSuite('identity rotation');

const BACKEND = 'spiffe://sidecar-lab/test/backend';

/** Replaces a file the way the CA publishes one: a temp file renamed over it. */
const publish = (target: string, content: Buffer) => {
  writeFileSync(`${target}.tmp`, content);
  renameSync(`${target}.tmp`, target);
};

test('under steady load, a new identity in every backend dir is served to new connections, with no failed request', async ({ mesh }) => {
  const fe = await mesh.frontend();
  const serial = (i: number) => servedSerial(mesh.addresses[i]!, mesh.inboundPort, mesh.frontendDir, mesh.ca);
  const before = await Promise.all(mesh.addresses.map((_, i) => serial(i)));
  const load = steadyLoad(fe.port, { addresses: mesh.addresses, port: mesh.inboundPort, identity: mesh.frontendDir, ca: mesh.ca });
  try {
    await until('some load', () => load.sent > 20 && load.fresh > 6);
    for (const dir of mesh.backendDirs) mesh.pki.identity('backend', { into: dir });
    for (const [i, b] of mesh.backends.entries()) {
      await until(`backend ${i + 1} to serve a new serial`, async () => (await serial(i)) !== before[i]);
      const now = await serial(i);
      assert.is(b.metric('certificate_info', { serial: now.toUpperCase(), spiffe_id: BACKEND }), 1);
      assert.is(b.metric('certificate_info', { serial: before[i]!.toUpperCase() }), 0, 'the old serial is no longer reported');
      assert.is(b.metric('identity_reloads_total', { result: 'ok' }), 2);
      assert.is(b.metric('identity_reloads_total', { result: 'error' }), 0, 'key and certificate were never seen half-replaced');
    }
    const [sent, fresh] = [load.sent, load.fresh];
    await until('more load after the rotation', () => load.sent > sent + 20 && load.fresh > fresh + 6);
  } finally {
    await load.stop();
  }
  assert.equal(load.failures, []);
  // A frontend started now has only new connections: they work with the new certificates.
  const fresh = await mesh.frontend();
  for (let i = 0; i < 6; i++) assert.is((await call(fresh.port, `/${i}`)).status, 200);
});

test('a key of another certificate is refused: the error is counted and the last good identity stays', async ({ mesh }) => {
  const b = mesh.backends[0]!;
  const dir = mesh.backendDirs[0]!;
  const serial = () => servedSerial(mesh.addresses[0]!, mesh.inboundPort, mesh.frontendDir, mesh.ca);
  const before = await serial();
  const errors = b.metric('identity_reloads_total', { result: 'error' });
  const other = mesh.pki.identity('backend', { into: mkdtempSync(join(mesh.pki.dir, 'other-')) });
  const good = readFileSync(join(dir, 'tls.key'));
  publish(join(dir, 'tls.key'), readFileSync(join(other, 'tls.key')));
  try {
    await until('the failed reload to be counted', () => b.metric('identity_reloads_total', { result: 'error' }) === errors + 1);
    assert.is(await serial(), before);
    assert.is(b.metric('certificate_info', { serial: before.toUpperCase() }), 1);
    assert.ok(
      b.logs.some((l) => l.includes('identity reload failed; keeping the last good one') && l.includes('does not match the certificate')),
    );
    const fe = await mesh.frontend();
    mesh.answer = [mesh.addresses[0]!];
    assert.is((await call(fe.port, '/still')).status, 200);
  } finally {
    publish(join(dir, 'tls.key'), good);
  }
});

test("another pod's identity (a valid certificate for another SPIFFE ID) is refused as well", async ({ mesh }) => {
  const b = mesh.backends[1]!;
  const dir = mesh.backendDirs[1]!;
  const errors = b.metric('identity_reloads_total', { result: 'error' });
  const saved = mkdtempSync(join(mesh.pki.dir, 'saved-'));
  for (const f of ['tls.crt', 'tls.key']) copyFileSync(join(dir, f), join(saved, f));
  mesh.pki.identity('frontend', { into: dir });
  try {
    await until('the failed reload to be counted', () => b.metric('identity_reloads_total', { result: 'error' }) === errors + 1);
    assert.ok(b.logs.some((l) => l.includes(`is spiffe://sidecar-lab/test/frontend, not this pod's identity ${BACKEND}`)));
    assert.is(b.metric('certificate_info', { spiffe_id: BACKEND }), 1);
  } finally {
    publish(join(dir, 'tls.key'), readFileSync(join(saved, 'tls.key')));
    publish(join(dir, 'tls.crt'), readFileSync(join(saved, 'tls.crt')));
  }
});

test('reload() (SIGHUP) loads the files again even when unchanged, and keeps serving', async ({ mesh }) => {
  const b = mesh.backends[2]!;
  const ok = b.metric('identity_reloads_total', { result: 'ok' });
  const before = await servedSerial(mesh.addresses[2]!, mesh.inboundPort, mesh.frontendDir, mesh.ca);
  await b.reload!('SIGHUP');
  assert.is(b.metric('identity_reloads_total', { result: 'ok' }), ok + 1);
  assert.is(await servedSerial(mesh.addresses[2]!, mesh.inboundPort, mesh.frontendDir, mesh.ca), before);
  assert.ok(b.logs.some((l) => l.includes('"msg":"identity loaded"') && l.includes('"reason":"SIGHUP"')));
});

test.run();
