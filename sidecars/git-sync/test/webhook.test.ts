import type { Server, AddressInfo } from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createLogger } from '../../lib/log.js';
import { Registry } from '../../lib/metrics.js';
import { sign } from '../src/hmac.js';
import { concernsRef, startWebhook } from '../src/webhook.js';

interface Ctx { server: Server; url: string; pushes: number; requests: ReturnType<Registry['counter']> }
const test = suite<Ctx>('webhook', {} as Ctx);
const KEY = 'webhook-test-key';
const body = JSON.stringify({ ref: 'refs/heads/main', after: 'f'.repeat(40) });

test.before(async (ctx) => {
  ctx.pushes = 0;
  ctx.requests = new Registry('t').counter('webhook_requests_total', 'h');
  ctx.server = await startWebhook({
    port: 0, address: '127.0.0.1', path: '/webhook', secret: KEY, ref: 'main',
    log: createLogger('test', 'error', () => undefined), requests: ctx.requests, onPush: () => { ctx.pushes++; },
  });
  ctx.url = `http://127.0.0.1:${(ctx.server.address() as AddressInfo).port}`;
});
test.after((ctx) => { ctx.server.close(); });

const post = (ctx: Ctx, headers: Record<string, string>, text = body, path = '/webhook') =>
  fetch(`${ctx.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: text });

test('unsigned and wrongly signed pushes get 401 and trigger nothing', async (ctx) => {
  const before = ctx.pushes;
  assert.is((await post(ctx, {})).status, 401);
  assert.is((await post(ctx, { 'x-hub-signature-256': sign('wrong', body) })).status, 401);
  assert.is((await post(ctx, { 'x-hub-signature-256': 'sha256=xyz' })).status, 401);
  assert.is(ctx.pushes, before);
  assert.is(ctx.requests.get({ result: 'missing_signature' }), 1);
  assert.is(ctx.requests.get({ result: 'bad_signature' }), 2);
});

test('a signed push of our branch gets 202 and triggers one sync (positive control)', async (ctx) => {
  const before = ctx.pushes;
  const r = await post(ctx, { 'x-hub-signature-256': sign(KEY, body) });
  assert.is(r.status, 202);
  assert.is(ctx.pushes, before + 1);
});

test('a signed push of another branch is acknowledged but triggers nothing', async (ctx) => {
  const other = JSON.stringify({ ref: 'refs/heads/feature' });
  const before = ctx.pushes;
  assert.is((await post(ctx, { 'x-hub-signature-256': sign(KEY, other) }, other)).status, 202);
  assert.is(ctx.pushes, before);
});

test('GET gets 405 and other paths 404, before any signature is looked at', async (ctx) => {
  assert.is((await fetch(`${ctx.url}/webhook`)).status, 405);
  assert.is((await post(ctx, { 'x-hub-signature-256': sign(KEY, body) }, body, '/other')).status, 404);
});

test('payload refs: branch and tag forms of our ref concern us, others do not, and a payload without a ref does', () => {
  assert.ok(concernsRef(Buffer.from('{"ref":"refs/heads/main"}'), 'main'));
  assert.ok(concernsRef(Buffer.from('{"ref":"refs/tags/main"}'), 'main'));
  assert.not.ok(concernsRef(Buffer.from('{"ref":"refs/heads/mainline"}'), 'main'));
  assert.ok(concernsRef(Buffer.from('{}'), 'main'));
  assert.ok(concernsRef(Buffer.from('not json'), 'main'));
});

test.run();
