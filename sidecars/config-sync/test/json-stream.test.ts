import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { JsonObjectStream } from '../src/json-stream.js';

const test = suite('JsonObjectStream');

test('one object per line comes out as one value per line', () => {
  const s = new JsonObjectStream();
  assert.equal(s.push('{"a":1}\n{"b":2}\n'), [{ a: 1 }, { b: 2 }]);
});

test('an object cut into single characters comes out whole, once, after its last character', () => {
  const s = new JsonObjectStream();
  const text = '{"result":{"header":{"revision":"7"},"events":[{"kv":{"value":"e30="}}]}}\n';
  const out: unknown[] = [];
  for (const [i, c] of [...text].entries()) {
    const got = s.push(c);
    if (i < text.indexOf('}}]}}') + 4) assert.equal(got, [], `nothing before the closing brace (char ${i})`);
    out.push(...got);
  }
  assert.equal(out, [JSON.parse(text)]);
  assert.is(s.pending, 0);
});

test('objects without newlines between them, and braces inside strings, are split correctly', () => {
  const s = new JsonObjectStream();
  assert.equal(s.push('{"t":"a } { \\" ]"}{"n":[1,{"x":2}]}  {"e"'), [{ t: 'a } { " ]' }, { n: [1, { x: 2 }] }]);
  assert.ok(s.pending > 0, 'the third object is still open');
  assert.equal(s.push(':null}'), [{ e: null }]);
});

test('a multi-byte character split across two byte chunks is decoded intact', () => {
  const s = new JsonObjectStream();
  const bytes = Buffer.from('{"g":"grüße"}');
  const cut = bytes.indexOf(0xc3) + 1; // in the middle of ü
  assert.equal(s.push(bytes.subarray(0, cut)), []);
  assert.equal(s.push(bytes.subarray(cut)), [{ g: 'grüße' }]);
});

test('text that is not a JSON object between objects is an error', () => {
  const s = new JsonObjectStream();
  try {
    s.push('{"ok":1}\n<html>');
    assert.unreachable('should throw');
  } catch (e) {
    assert.match((e as Error).message, /unexpected "<" between JSON objects/);
  }
});

test.run();
