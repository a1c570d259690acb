// A JSON string written from bytes is byte for byte what JSON.stringify writes for the text they decode
// to, and bytes that are not UTF-8 are refused (the caller then takes the string path).
import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { jsonString, jsonStringRoom } from '../src/json-bytes.js';

/** jsonString of the bytes, written after a few bytes of something else: the string, or undefined. */
function written(bytes: Buffer): string | undefined {
  const out = Buffer.alloc(3 + jsonStringRoom(bytes.length), 0xee);
  const end = jsonString(bytes, 0, bytes.length, out, 3);
  if (end < 0) return undefined;
  assert.ok(
    out.subarray(0, 3).every((b) => b === 0xee),
    'nothing is written before pos',
  );
  return out.subarray(3, end).toString('latin1');
}
const expected = (bytes: Buffer) => Buffer.from(JSON.stringify(bytes.toString('utf8'))).toString('latin1');

const text = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.string({ unit: fc.constantFrom('"', '\\', '\n', '\t', '\x00', '\x1f', '\x7f', 'é', '€', '😀', '\u2028', 'a'), maxLength: 120 }),
  fc.json(),
);

test('property: the JSON string of UTF-8 text is what JSON.stringify writes, escapes and all', () => {
  fc.assert(
    fc.property(text, (t) => {
      const bytes = Buffer.from(t);
      assert.is(written(bytes), expected(bytes));
    }),
    { numRuns: 2000 },
  );
});

test('property: arbitrary bytes are written as JSON.stringify writes their text exactly when they are UTF-8, and refused otherwise', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (a) => {
      const bytes = Buffer.from(a);
      assert.is(written(bytes), isUtf8(bytes) ? expected(bytes) : undefined);
    }),
    { numRuns: 2000 },
  );
});

test('a range inside a larger buffer is written alone, escapes and all', () => {
  const line = `${'x'.repeat(100)}"${'y'.repeat(40)}\\z`;
  const src = Buffer.from(`[[${line}]]`);
  const out = Buffer.alloc(jsonStringRoom(src.length));
  const end = jsonString(src, 2, src.length - 2, out, 0);
  assert.is(out.subarray(0, end).toString(), JSON.stringify(line));
  assert.is(JSON.parse(out.subarray(0, end).toString()), line);
});

test.run();
