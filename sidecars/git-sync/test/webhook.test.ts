// The webhook contract: who may trigger a sync (a valid signature), and for what (the configured
// ref, in a JSON or form-encoded push event).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { sign } from '../src/hmac.js';
import { closeHook, post, startHook, type Hook } from './fixtures.js';

const test = suite<{ hook: Hook }>('webhook', {} as { hook: Hook });
test.before(async (ctx) => {
  ctx.hook = await startHook();
});
test.after((ctx) => closeHook(ctx.hook));

/** Runs a request and tells how many syncs it started. */
async function syncsOf(hook: Hook, r: () => Promise<Response>): Promise<{ status: number; syncs: number; text: string }> {
  const before = hook.pushes;
  const res = await r();
  return { status: res.status, text: await res.text(), syncs: hook.pushes - before };
}

const form = (payload: unknown) => `payload=${encodeURIComponent(JSON.stringify(payload))}`;
const FORM = 'application/x-www-form-urlencoded';

test('unsigned and wrongly signed pushes get 401 and trigger nothing', async ({ hook }) => {
  const before = hook.pushes;
  assert.is((await post(hook, { signature: null })).status, 401);
  assert.is((await post(hook, { signature: sign('wrong', '{"ref":"refs/heads/main"}') })).status, 401);
  assert.is((await post(hook, { signature: 'sha256=xyz' })).status, 401);
  assert.is(hook.pushes, before);
  assert.is(hook.requests.get({ result: 'missing_signature' }), 1);
  assert.is(hook.requests.get({ result: 'bad_signature' }), 2);
});

test('a signed push of our branch gets 202 and triggers one sync (positive control)', async ({ hook }) => {
  assert.equal(await syncsOf(hook, () => post(hook)), { status: 202, syncs: 1, text: 'accepted: sync started\n' });
});

test('a signed push of another branch is acknowledged but triggers nothing', async ({ hook }) => {
  const r = await syncsOf(hook, () => post(hook, { body: JSON.stringify({ ref: 'refs/heads/feature' }) }));
  assert.equal({ status: r.status, syncs: r.syncs }, { status: 202, syncs: 0 });
});

test('GET gets 405 with Allow: POST and other paths 404, before any signature is looked at', async ({ hook }) => {
  const get = await fetch(`${hook.url}/webhook`);
  assert.is(get.status, 405);
  assert.is(get.headers.get('allow'), 'POST');
  assert.is((await post(hook, { path: '/other' })).status, 404);
});

test('a form-encoded push (GitHub: payload=<URL-encoded JSON>) syncs for our ref only', async ({ hook }) => {
  const ours = form({ ref: 'refs/heads/main', after: '0'.repeat(40) });
  const theirs = form({ ref: 'refs/heads/feature', after: '0'.repeat(40) });
  assert.equal(await syncsOf(hook, () => post(hook, { type: FORM, body: ours })), {
    status: 202,
    syncs: 1,
    text: 'accepted: sync started\n',
  });
  const r = await syncsOf(hook, () => post(hook, { type: FORM, body: theirs }));
  assert.equal({ status: r.status, syncs: r.syncs }, { status: 202, syncs: 0 });
});

test('a media type with parameters or in upper case is still JSON or a form', async ({ hook }) => {
  assert.is((await syncsOf(hook, () => post(hook, { type: 'Application/JSON; charset=utf-8' }))).syncs, 1);
  assert.is((await syncsOf(hook, () => post(hook, { type: `${FORM}; charset=UTF-8`, body: form({ ref: 'main' }) }))).syncs, 1);
});

test('a signed body of any other content type, or of none, gets 415 and triggers nothing', async ({ hook }) => {
  for (const type of ['text/plain', 'application/xml', 'multipart/form-data; boundary=x', 'application/jsonx', null]) {
    const r = await syncsOf(hook, () => post(hook, { type }));
    assert.equal({ status: r.status, syncs: r.syncs }, { status: 415, syncs: 0 }, String(type));
  }
  assert.is(hook.requests.get({ result: 'bad_content_type' }), 5);
});

test('a signed payload without a ref (GitHub ping) is acknowledged with 202 and triggers nothing', async ({ hook }) => {
  const ping = JSON.stringify({ zen: 'Design for failure.', hook_id: 1 });
  const r = await syncsOf(hook, () => post(hook, { body: ping }));
  assert.equal(r, { status: 202, syncs: 0, text: 'accepted: no ref in the payload (a ping?), nothing to do\n' });
  assert.is((await syncsOf(hook, () => post(hook, { type: FORM, body: form({ zen: 'x' }) }))).syncs, 0);
  assert.is(hook.requests.get({ result: 'no_ref' }), 2);
});

test('a signed body that is not a JSON object (or a form without payload) gets 400 and triggers nothing', async ({ hook }) => {
  for (const [type, body] of [
    ['application/json', 'not json'],
    ['application/json', '["refs/heads/main"]'],
    ['application/json', '{"ref":1}'],
    ['application/json', form({ ref: 'main' })],
    [FORM, 'ref=refs%2Fheads%2Fmain'],
    [FORM, '{"ref":"refs/heads/main"}'],
  ] as const) {
    const r = await syncsOf(hook, () => post(hook, { type, body }));
    assert.equal({ status: r.status, syncs: r.syncs }, { status: 400, syncs: 0 }, `${type} ${body}`);
  }
});

test.run();
