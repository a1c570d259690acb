import { createHmac } from 'node:crypto';
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
  for (const h of [good.slice(0, -1), `${good}0`, good.replace('sha256=', 'sha1='), 'sha256=' + 'z'.repeat(64), good.slice(7)]) {
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

test.run();
