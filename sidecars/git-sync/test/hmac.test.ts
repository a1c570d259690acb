import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { sign, verify } from '../src/hmac.js';

const test = suite('hmac');
const KEY = 'k3y-for-tests';
const body = Buffer.from('{"ref":"refs/heads/main"}');

test('a signature made with the key over the exact body verifies, and matches an independent HMAC-SHA256', () => {
  const header = sign(KEY, body);
  assert.is(header, `sha256=${createHmac('sha256', KEY).update(body).digest('hex')}`);
  assert.is(verify(KEY, body, header), 'ok');
  assert.is(verify(KEY, body, header.toUpperCase().replace('SHA256=', 'sha256=')), 'ok', 'hex digits are case-insensitive');
});

test('a missing or empty header is reported as missing', () => {
  assert.is(verify(KEY, body, undefined), 'missing');
  assert.is(verify(KEY, body, ''), 'missing');
});

test('headers of the wrong shape are malformed and never reach the comparison (which would throw on a length mismatch)', () => {
  const good = sign(KEY, body);
  for (const h of [good.slice(0, -1), `${good}0`, good.replace('sha256=', 'sha1='), `sha256=${'z'.repeat(64)}`, good.slice(7)]) {
    assert.is(verify(KEY, body, h), 'malformed', h);
  }
  assert.is(verify(KEY, body, [good, good]), 'malformed', 'a repeated header');
});

test('a wrong key, a changed body, and a signature off by one byte at either end are all mismatches', () => {
  const good = sign(KEY, body);
  assert.is(verify(KEY, body, sign('other-key', body)), 'mismatch');
  assert.is(verify(KEY, Buffer.from('{"ref":"refs/heads/evil"}'), good), 'mismatch');
  const flip = (hex: string, i: number) => hex.slice(0, i) + (hex[i] === '0' ? '1' : '0') + hex.slice(i + 1);
  assert.is(verify(KEY, body, flip(good, 7)), 'mismatch', 'first digest byte differs');
  assert.is(verify(KEY, body, flip(good, good.length - 1)), 'mismatch', 'last digest byte differs');
});

// Properties, over arbitrary secrets, bodies and header values (bounded runs).
const RUNS = { numRuns: 300 };
const secret = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constant(''));
const bodyArb = fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b));
const hex = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), minLength: min, maxLength: max });
/** Header values a client may send: nothing, empty, any text, a repeated header, and near-valid shapes. */
const header: fc.Arbitrary<string | string[] | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.constant(''),
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.array(fc.string(), { maxLength: 3 }),
  hex(0, 130).map((h) => `sha256=${h}`),
  hex(63, 65).map((h) => `sha256=${h}`),
  hex(64, 64),
  fc.string({ minLength: 64, maxLength: 64 }).map((s) => `sha256=${s}`),
  hex(40, 40).map((h) => `sha1=${h}`),
);
const VERDICTS = ['ok', 'missing', 'malformed', 'mismatch'];

test('property: verify never throws, whatever the secret, body and header, and says ok only for the correct signature', () => {
  fc.assert(
    fc.property(secret, bodyArb, header, (k, b, h) => {
      const v = verify(k, b, h);
      assert.ok(VERDICTS.includes(v), v);
      assert.is(v === 'ok', typeof h === 'string' && h.toLowerCase() === sign(k, b), `${String(h)} -> ${v}`);
    }),
    RUNS,
  );
});

test('property: the correct signature is accepted, and any single-bit change of the body or of the digest is refused', () => {
  const input = fc.record({ k: secret, b: bodyArb.filter((b) => b.length > 0), bit: fc.nat() });
  fc.assert(
    fc.property(input, ({ k, b, bit }) => {
      const good = sign(k, b);
      assert.is(verify(k, b, good), 'ok');
      const body = Buffer.from(b);
      body[(bit >> 3) % body.length]! ^= 1 << (bit & 7);
      assert.is(verify(k, body, good), 'mismatch', 'a body with one bit changed');
      const digest = Buffer.from(good.slice(7), 'hex');
      digest[(bit >> 3) % 32]! ^= 1 << (bit & 7);
      assert.is(verify(k, b, `sha256=${digest.toString('hex')}`), 'mismatch', 'a digest with one bit changed');
    }),
    RUNS,
  );
});

test('property: a single-bit change anywhere in the header text is refused unless it only changes letter case', () => {
  fc.assert(
    fc.property(secret, bodyArb, fc.nat(), (k, b, bit) => {
      const good = sign(k, b);
      const chars = [...good];
      const i = (bit >> 3) % chars.length;
      chars[i] = String.fromCharCode(chars[i]!.charCodeAt(0) ^ (1 << (bit & 7)));
      const changed = chars.join('');
      assert.is(verify(k, b, changed) === 'ok', changed.toLowerCase() === good, changed);
    }),
    RUNS,
  );
});

test.run();
