import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Formatter, jsonFields, MAX_MESSAGE_BYTES } from '../src/format.js';
import type { Tracked } from '../src/tracked.js';

const FP = 'aaaaaaaaaaaaaaaa';
const from = { name: 'app.log', where: { dev: 1, ino: 2, path: 'app.log' } } as unknown as Tracked;
const body = (msg: Buffer) => JSON.parse(msg.toString().split(' - - - ')[1]!);

test('each message is RFC 5424 syslog whose MSG is JSON with the id, the labels, the text and a JSON line parsed as fields', () => {
  const f = new Formatter({ pod: 'pod 1', container: 'app' }, true);
  const json = f.message({ fp: FP, start: 7, end: 30, text: '{"seq":3,"msg":"a\\"b"}', from }, '2026-11-22T15:00:00.000Z').toString();
  assert.ok(json.startsWith('<14>1 2026-11-22T15:00:00.000Z pod1 log-shipper - - - {'), json);
  const body = JSON.parse(json.slice(json.indexOf('{')));
  assert.equal(body, {
    id: `${FP}:7-30`,
    pod: 'pod 1',
    container: 'app',
    file: 'app.log',
    message: '{"seq":3,"msg":"a\\"b"}',
    fields: { seq: 3, msg: 'a"b' },
  });
  const trace = f.message({ fp: FP, start: 0, end: 9, text: 'Traceback\n  x\n\tValueError', from }, 't').toString();
  assert.not.match(trace, /[\x00-\x1f]/, 'no control character on the wire');
  assert.is(JSON.parse(trace.slice(trace.indexOf('{'))).fields, undefined);
});

test('a record whose message would pass the receiver’s limit is sent without fields, then cut, and says so', () => {
  const f = new Formatter({ pod: 'p', container: 'app' }, true);
  const big = `{"a":"${'\\u0001'.repeat(8000)}"}`; // 8 KiB of escapes: 48 KiB as JSON text, twice with the fields
  const one = JSON.parse(f.message({ fp: FP, start: 0, end: 1, text: big, from }, 't').toString().split(' - - - ')[1]!);
  assert.is(one.fields, undefined);
  assert.is(one.message, big);
  const huge = '\x01'.repeat(20_000); // 120 KB as JSON text
  const msg = f.message({ fp: FP, start: 0, end: 1, text: huge, from }, 't');
  assert.ok(msg.length <= MAX_MESSAGE_BYTES, `${msg.length} bytes`);
  const two = JSON.parse(msg.toString().split(' - - - ')[1]!);
  assert.is(two.truncated, true);
  assert.ok(huge.startsWith(two.message) && two.message.length > 5000, `${two.message.length} characters kept`);
});

test('any record text becomes one message within the limit, with no control character, whose JSON gives the text back (or its start, marked truncated)', () => {
  const f = new Formatter({ pod: 'pod-1', container: 'app' }, true);
  fc.assert(
    fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 20_000 }), fc.json()), (text) => {
      const msg = f.message({ fp: FP, start: 3, end: 9, text, from }, '2026-11-22T15:00:00.000Z');
      assert.ok(msg.length <= MAX_MESSAGE_BYTES);
      assert.not.match(msg.toString(), /[\x00-\x1f]/);
      const b = body(msg);
      assert.is(b.id, `${FP}:3-9`);
      if (b.truncated) assert.ok(text.startsWith(b.message));
      else assert.is(b.message, text);
    }),
    { numRuns: 300 },
  );
});

test('jsonFields gives the fields of a one-line JSON object, and nothing for anything else', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.json()), (text) => {
      const f = jsonFields(text);
      if (f === undefined) return;
      const v = JSON.parse(f);
      assert.ok(v !== null && typeof v === 'object' && !Array.isArray(v), text);
      assert.equal(v, JSON.parse(text));
    }),
    { numRuns: 500 },
  );
  assert.is(jsonFields('[1,2]'), undefined);
  assert.is(jsonFields('{"a":1}\n{"b":2}'), undefined);
  assert.is(jsonFields('{"a":'), undefined);
});

test.run();
