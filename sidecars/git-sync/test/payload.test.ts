// The payload reader: which ref a push event names, from any bytes, in either encoding GitHub uses.
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mediaType, readPayload, type MediaType } from '../src/payload.js';

const test = suite('webhook payload');
const RUNS = { numRuns: 300 };

const encode = (type: MediaType, value: unknown) =>
  Buffer.from(type === 'json' ? JSON.stringify(value) : `payload=${encodeURIComponent(JSON.stringify(value))}`);
const ours = (pushed: unknown, ref: string) => pushed === ref || pushed === `refs/heads/${ref}` || pushed === `refs/tags/${ref}`;
/** An independent reading of the ref, for the oracle: undefined when there is none to read. */
function refIn(type: MediaType, body: Buffer): unknown {
  try {
    const text = type === 'json' ? body.toString('utf8') : new URLSearchParams(body.toString('utf8')).get('payload');
    return (JSON.parse(text ?? '') as { ref?: unknown })?.ref;
  } catch {
    return undefined;
  }
}

const refName = fc.stringMatching(/^[A-Za-z0-9._/-]{1,20}$/);
const type = fc.constantFrom<MediaType>('json', 'form');
/** A pushed ref that is ours, a near miss of ours, or anything. */
const pushedFor = (ref: string) =>
  fc.oneof(
    fc.constantFrom(ref, `refs/heads/${ref}`, `refs/tags/${ref}`),
    fc.constantFrom(
      `${ref}x`,
      `x${ref}`,
      `refs/heads/${ref}/`,
      `refs/remotes/origin/${ref}`,
      `refs/heads/${ref} `,
      ` ${ref}`,
      `refs/Heads/${ref}`,
      ref.toUpperCase(),
      `heads/${ref}`,
    ),
    fc.string(),
    fc.string({ unit: 'binary' }),
  );

test('examples: branch and tag forms of our ref are ours; a near miss is another ref; no ref is none; not an object is invalid', () => {
  const read = (text: string, t: MediaType = 'json') => readPayload(t, Buffer.from(text), 'main');
  assert.equal(read('{"ref":"refs/heads/main"}'), { kind: 'ours', ref: 'refs/heads/main' });
  assert.is(read('{"ref":"refs/tags/main"}').kind, 'ours');
  assert.is(read('{"ref":"main"}').kind, 'ours');
  assert.equal(read('{"ref":"refs/heads/mainline"}'), { kind: 'other', ref: 'refs/heads/mainline' });
  assert.is(read('{"zen":"x","hook_id":1}').kind, 'none');
  for (const bad of ['not json', '', 'null', '[]', '"refs/heads/main"', '{"ref":null}', '{"ref":["refs/heads/main"]}'])
    assert.is(read(bad).kind, 'invalid', bad);
  assert.is(read('payload=%7B%22ref%22%3A%22refs%2Fheads%2Fmain%22%7D', 'form').kind, 'ours');
  assert.is(read('payload=%7B%7D', 'form').kind, 'none');
  assert.is(read('other=1', 'form').kind, 'invalid');
});

test('media types: JSON and forms by their type alone (parameters and case ignored); anything else is unsupported', () => {
  assert.is(mediaType('application/json'), 'json');
  assert.is(mediaType(' Application/JSON ; charset=utf-8'), 'json');
  assert.is(mediaType('application/x-www-form-urlencoded; charset=UTF-8'), 'form');
  for (const t of [
    undefined,
    '',
    'text/plain',
    'application/jsonx',
    'application/json+x',
    'application',
    'json',
    'multipart/form-data',
    ';application/json',
  ])
    assert.is(mediaType(t), undefined, String(t));
});

test('property: the reader never throws on arbitrary bytes, in either encoding, and says "ours" only when the ref read is ours', () => {
  fc.assert(
    fc.property(type, fc.uint8Array({ maxLength: 400 }), refName, (t, bytes, ref) => {
      const body = Buffer.from(bytes);
      const p = readPayload(t, body, ref);
      assert.ok(['ours', 'other', 'none', 'invalid'].includes(p.kind));
      if (p.kind === 'ours') assert.ok(ours(refIn(t, body), ref));
    }),
    RUNS,
  );
});

test('property: damaged push events (truncated, a byte changed) never throw and say "ours" only when what is left still names our ref', () => {
  const damaged = fc.tuple(refName, type).chain(([ref, t]) =>
    fc.record({
      ref: fc.constant(ref),
      t: fc.constant(t),
      body: pushedFor(ref).map((pushed) => encode(t, { ref: pushed, after: '0'.repeat(40) })),
      at: fc.nat(),
      byte: fc.integer({ min: 0, max: 255 }),
      cut: fc.boolean(),
    }),
  );
  fc.assert(
    fc.property(damaged, ({ ref, t, body, at, byte, cut }) => {
      const i = at % body.length;
      const bytes = cut ? body.subarray(0, i) : Buffer.from(body);
      if (!cut) bytes[i] = byte;
      const p = readPayload(t, bytes, ref);
      assert.is(p.kind === 'ours', ours(refIn(t, bytes), ref));
    }),
    RUNS,
  );
});

test('property: a well-formed push event is "ours" exactly when its ref is the configured ref or its refs/heads/ or refs/tags/ form', () => {
  const event = refName.chain((ref) =>
    fc.record({ ref: fc.constant(ref), pushed: pushedFor(ref), extra: fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 4 }) }),
  );
  fc.assert(
    fc.property(type, event, (t, { ref, pushed, extra }) => {
      const p = readPayload(t, encode(t, { ...extra, ref: pushed }), ref);
      assert.equal(p, { kind: ours(pushed, ref) ? 'ours' : 'other', ref: pushed });
    }),
    RUNS,
  );
});

test('property: an object without a ref field is "none" whatever else it holds', () => {
  const noRef = fc.dictionary(
    fc.string().filter((k) => k !== 'ref' && k !== '__proto__'),
    fc.jsonValue(),
    { maxKeys: 6 },
  );
  fc.assert(
    fc.property(type, noRef, refName, (t, value, ref) => {
      assert.is(readPayload(t, encode(t, value), ref).kind, 'none');
    }),
    RUNS,
  );
});

test.run();
