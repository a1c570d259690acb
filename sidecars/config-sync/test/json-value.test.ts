import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseValue } from '../src/json-value.js';

const test = suite('parseValue');
const parse = (s: string | number[]) => parseValue(typeof s === 'string' ? Buffer.from(s) : Buffer.from(s));

test('a plain JSON value comes back as JSON.parse reads it', () => {
  assert.equal(parse(' {"a":[1,-2.5e3,true,null,"x"],"b":{"c":{}}}\n'), {
    ok: true,
    doc: { a: [1, -2500, true, null, 'x'], b: { c: {} } },
  });
  assert.equal(parse('"just a string"'), { ok: true, doc: 'just a string' });
  assert.equal(parse('42'), { ok: true, doc: 42 });
});

test('a key named __proto__ stays an own property and does not change the prototype', () => {
  const r = parse('{"__proto__":{"polluted":true}}');
  assert.ok(r.ok);
  const doc = (r as { doc: Record<string, unknown> }).doc;
  assert.equal(Object.keys(doc), ['__proto__']);
  assert.is(Object.getPrototypeOf(doc), Object.prototype);
  assert.is((doc as { polluted?: unknown }).polluted, undefined);
});

test('text inside strings is never taken for keys, braces or numbers', () => {
  assert.equal(parse('{"a":"\\"a\\":1, {\\"b\\":9007199254740993}","b":"}]"}'), {
    ok: true,
    doc: { a: '"a":1, {"b":9007199254740993}', b: '}]' },
  });
  assert.equal(parse('[{"a":1},{"a":1}]'), { ok: true, doc: [{ a: 1 }, { a: 1 }] });
});

test('a byte order mark is refused: an app may or may not skip it', () => {
  const r = parse([0xef, 0xbb, 0xbf, ...Buffer.from('{}')]);
  assert.is(r.ok, false);
  assert.match(r.ok ? '' : r.error, /^not JSON: /);
});

test('duplicate keys are named with the JSON pointer of their object, escaped as RFC 6901 says', () => {
  assert.equal(parse('{"a/b":{"t~":[{"k":1,"k":2}]}}'), { ok: false, error: 'not JSON: duplicate key "k" in the object at /a~1b/t~0/0' });
  assert.equal(parse('[1,[2,{"x":0}],{"z":1,"y":2,"z":3}]'), { ok: false, error: 'not JSON: duplicate key "z" in the object at /2' });
});

test('a number past ±(2^53-1) is named with its pointer, at the top level too', () => {
  assert.equal(parse('[0,{"a":[1,12345678901234567890]}]'), {
    ok: false,
    error: 'not JSON: the number 12345678901234567890 at /1/a/1 is beyond ±(2^53-1), which cannot be compared exactly',
  });
  assert.equal(parse('-1E+16'), {
    ok: false,
    error: 'not JSON: the number -1E+16 at / is beyond ±(2^53-1), which cannot be compared exactly',
  });
});

test("text that is not JSON is refused with JSON.parse's reason", () => {
  for (const text of ['', '{"a":', '{a:1}', "{'a':1}", '[1,]', 'NaN']) {
    const r = parse(text);
    assert.match(r.ok ? '' : r.error, /^not JSON: /, text);
  }
});

test.run();
