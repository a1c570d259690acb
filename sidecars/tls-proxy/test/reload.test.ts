import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { parseMetrics } from '../../lib/metrics.js';
import {
  httpsGet,
  installPair,
  proxyParams,
  replaceFile,
  servedSerial,
  startTestProxy,
  until,
  type Issued,
  type Proxy,
} from './fixtures.js';
import { pkiSuite, type PkiCtx } from './suites.js';

interface Ctx extends PkiCtx {
  a: Issued;
  b: Issued;
  live: Issued;
  proxy: Proxy;
}
const test = pkiSuite<Ctx>('certificate reload', {
  async setup(ctx) {
    ctx.a = ctx.pki.issue('a', '0A01');
    ctx.b = ctx.pki.issue('b', '0B02');
  },
});
// Each test gets its own watched directory holding pair A, and its own proxy. Polling is off
// (--reload-interval 1h), so only the file-system watch can pick up a change.
test.before.each(async (ctx) => {
  const dir = mkdtempSync(join(ctx.pki.dir, 'live-'));
  ctx.live = { cert: join(dir, 'tls.crt'), key: join(dir, 'tls.key'), serial: ctx.a.serial };
  copyFileSync(ctx.a.cert, ctx.live.cert);
  copyFileSync(ctx.a.key, ctx.live.key);
  ctx.proxy = await startTestProxy(await proxyParams(ctx.live, ctx.upstream.port));
});
test.after.each(async (ctx) => {
  await ctx.proxy.drain();
});

const metrics = (p: Proxy) => parseMetrics(p.metrics.render());
const reloads = (p: Proxy, result: 'ok' | 'error') => metrics(p).get(`tls_proxy_certificate_reloads_total{result="${result}"}`) ?? 0;

test('renaming a new cert and key into place serves the new serial to new connections, without a restart', async ({
  pki,
  b,
  live,
  proxy,
}) => {
  assert.is(await servedSerial(proxy.port, pki.ca), '0A01');
  installPair(live, b);
  await until('the new serial to be served', async () => (await servedSerial(proxy.port, pki.ca)) === '0B02');
  assert.is(reloads(proxy, 'ok'), 2, 'start + the replacement');
  assert.is(reloads(proxy, 'error'), 0, 'cert and key were swapped together, never seen half-done');
  assert.is(metrics(proxy).get('tls_proxy_certificate_info{serial="0B02",subject="CN=localhost"}'), 1);
  assert.is(
    metrics(proxy).get('tls_proxy_certificate_info{serial="0A01",subject="CN=localhost"}'),
    undefined,
    'the old serial is no longer reported',
  );
  const served = proxy.logs.map((l) => JSON.parse(l)).filter((l) => l.msg === 'serving new certificate');
  assert.equal(
    served.map((l) => l.serial),
    ['0B02'],
  );
});

test('an already-open keep-alive connection keeps working on its old certificate across the swap', async ({ pki, b, live, proxy }) => {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const first = await httpsGet(proxy.port, pki.ca, '/one', { agent });
    assert.is(first.serial, '0A01');
    installPair(live, b);
    await until('the new serial to be served', async () => (await servedSerial(proxy.port, pki.ca)) === '0B02');
    const second = await httpsGet(proxy.port, pki.ca, '/two', { agent });
    assert.ok(second.socket === first.socket, 'the same TLS connection was reused');
    assert.is(second.status, 200);
    assert.is(second.body, 'hello from upstream /two');
    assert.is(second.serial, '0A01');
  } finally {
    agent.destroy();
  }
});

test('a garbage certificate is refused: the error is counted and the old serial is still served', async ({ pki, live, proxy }) => {
  replaceFile(live.cert, '-----BEGIN CERTIFICATE-----\ngarbage\n-----END CERTIFICATE-----\n');
  await until('the failed reload to be counted', () => reloads(proxy, 'error') === 1);
  assert.is(reloads(proxy, 'ok'), 1);
  assert.is(await servedSerial(proxy.port, pki.ca), '0A01');
  assert.is(metrics(proxy).get('tls_proxy_certificate_info{serial="0A01",subject="CN=localhost"}'), 1);
  const failed = proxy.logs.map((l) => JSON.parse(l)).filter((l) => l.level === 'error');
  assert.equal(
    failed.map((l) => [l.msg, l.error]),
    [['certificate reload failed; keeping the last good one', `${live.cert} is not a PEM certificate`]],
  );
});

test('a key that does not match the certificate is refused and the old serial is still served', async ({ pki, b, live, proxy }) => {
  replaceFile(live.key, readFileSync(b.key));
  await until('the failed reload to be counted', () => reloads(proxy, 'error') === 1);
  assert.is(reloads(proxy, 'ok'), 1);
  assert.is(await servedSerial(proxy.port, pki.ca), '0A01');
  const failed = proxy.logs.map((l) => JSON.parse(l)).filter((l) => l.level === 'error');
  assert.is(failed[0]?.error, `${live.key} does not match the certificate in ${live.cert}`);
});

test('after a broken replacement, fixing the files is picked up', async ({ pki, b, live, proxy }) => {
  replaceFile(live.key, readFileSync(b.key));
  await until('the failed reload to be counted', () => reloads(proxy, 'error') === 1);
  replaceFile(live.cert, readFileSync(b.cert));
  await until('the new serial to be served', async () => (await servedSerial(proxy.port, pki.ca)) === '0B02');
  assert.is(reloads(proxy, 'ok'), 2);
  assert.is(reloads(proxy, 'error'), 1);
});

test('reload() (SIGHUP) loads the files again even when they did not change, and keeps serving', async ({ pki, proxy }) => {
  await proxy.reload!('SIGHUP');
  assert.is(reloads(proxy, 'ok'), 2);
  assert.is(await servedSerial(proxy.port, pki.ca), '0A01');
  const loaded = proxy.logs.map((l) => JSON.parse(l)).filter((l) => l.msg === 'certificate loaded');
  assert.equal(
    loaded.map((l) => l.reason),
    ['start', 'SIGHUP'],
  );
});

test('the proxy refuses to start on a broken pair, naming the files', async ({ a, b, upstream }) => {
  try {
    await startTestProxy(await proxyParams({ cert: a.cert, key: b.key, serial: '' }, upstream.port));
    assert.unreachable('should throw');
  } catch (e) {
    assert.instance(e, Error);
    assert.is((e as Error).message, `invalid --cert-file/--key-file: ${b.key} does not match the certificate in ${a.cert}`);
  }
});

test.run();
