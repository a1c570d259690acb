import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Framer, type Record, Slice } from '../src/framer.js';

/** Feeds text in the given chunk sizes (cycled), then flushes open multi-line records. */
function frame(text: string, sizes: number[], o: ConstructorParameters<typeof Framer>[0]): Record[] {
  const f = new Framer(o);
  const buf = Buffer.from(text);
  const out: Record[] = [];
  for (let at = 0, i = 0; at < buf.length; i++) {
    const n = Math.max(1, sizes[i % sizes.length]!);
    f.push(buf.subarray(at, at + n), out);
    at += n;
  }
  f.flush(out, 0);
  return out;
}

const line = fc.stringMatching(/^[ -~é€]{0,60}$/);
const lines = fc.array(line, { maxLength: 30 });
const chunking = fc.array(fc.integer({ min: 1, max: 200 }), { minLength: 1, maxLength: 10 });

test('however the bytes are chunked, the records are the same, cover the text with no gap or overlap, and end at a newline', () => {
  fc.assert(
    fc.property(lines, chunking, fc.boolean(), (ls, sizes, multi) => {
      const text = ls.map((l) => `${l}\n`).join('');
      const o = { maxRecordBytes: 64, start: multi ? /^\S/ : undefined };
      const whole = frame(text, [1 << 20], o);
      const chunked = frame(text, sizes, o);
      assert.equal(chunked, whole);
      let at = 0;
      for (const r of whole) {
        assert.is(r.start, at, 'records are contiguous');
        at = r.end;
      }
      assert.is(at, Buffer.byteLength(text), 'every byte is in a record');
    }),
    { numRuns: 400 },
  );
});

test('however the bytes are chunked, push counts each completed line once', () => {
  fc.assert(
    fc.property(lines, chunking, fc.boolean(), (ls, sizes, multi) => {
      const f = new Framer({ maxRecordBytes: 64, start: multi ? /^\S/ : undefined });
      const buf = Buffer.from(ls.map((l) => `${l}\n`).join(''));
      let counted = 0;
      for (let at = 0, i = 0; at < buf.length; i++) {
        const n = sizes[i % sizes.length]!;
        counted += f.push(buf.subarray(at, at + n), []);
        at += n;
      }
      assert.is(counted, ls.length);
    }),
  );
});

test('property: records framed as byte slices (as the tailer frames them) are the records framed as text, however chunked', () => {
  fc.assert(
    fc.property(lines, chunking, fc.boolean(), (ls, sizes, multi) => {
      const text = ls.map((l) => `${l}\n`).join('');
      const o = { maxRecordBytes: 64, start: multi ? /^\S/ : undefined };
      const asText = frame(text, sizes, o);
      const asBytes = frame(text, sizes, { ...o, bytes: true });
      assert.ok(asBytes.every((r) => r instanceof Slice));
      assert.equal(
        asBytes.map((r) => ({ start: r.start, end: r.end, text: r.text })),
        asText,
      );
    }),
    { numRuns: 400 },
  );
});

test('without a start pattern every short line is one record, its text without the newline', () => {
  fc.assert(
    fc.property(lines, (ls) => {
      const recs = frame(ls.map((l) => `${l}\n`).join(''), [7], { maxRecordBytes: 1024 });
      assert.equal(
        recs.map((r) => r.text),
        ls,
      );
    }),
  );
});

test('a line longer than the limit is cut into pieces of at most the limit, never inside a UTF-8 character', () => {
  fc.assert(
    fc.property(
      fc.array(fc.constantFrom('a', 'z', 'é', '€', '😀'), { minLength: 1, maxLength: 300 }).map((cs) => cs.join('')),
      fc.integer({ min: 8, max: 40 }),
      (l, max) => {
        const recs = frame(`${l}\n`, [13], { maxRecordBytes: max });
        assert.is(recs.map((r) => r.text).join(''), l);
        for (const r of recs) assert.ok(r.end - r.start <= max + 1, `a piece of ${r.end - r.start} bytes`);
      },
    ),
  );
});

test('a stack trace after a start line is one record, and the next start line begins another', () => {
  const trace = [
    '2026-11-22 15:00:00,123 ERROR seq=7 request failed',
    'Traceback (most recent call last):',
    '  File "/opt/app/handlers.py", line 42, in handle',
    'ValueError: bad input',
  ];
  const text = `{"seq":6}\n${trace.join('\n')}\n{"seq":8}\n`;
  const recs = frame(text, [5, 17], { maxRecordBytes: 4096, start: /^(\{|\d{4}-\d\d-\d\d )/ });
  assert.equal(
    recs.map((r) => r.text),
    ['{"seq":6}', trace.join('\n'), '{"seq":8}'],
  );
});

test('an open multi-line record is held until a start line comes or it times out', () => {
  const f = new Framer({ maxRecordBytes: 4096, start: /^\S/ });
  const out: Record[] = [];
  f.push(Buffer.from('first\n  more\n'), out, 1000);
  assert.is(out.length, 0, 'nothing is complete yet');
  f.flush(out, 500, 1200);
  assert.is(out.length, 0, 'not timed out after 200 ms');
  f.flush(out, 500, 1600);
  assert.equal(out, [{ start: 0, end: 13, text: 'first\n  more' }]);
  assert.is(f.held, 0);
});

test('a partial line waits for its newline, and reset starts again at the offset given', () => {
  const f = new Framer({ maxRecordBytes: 4096 });
  const out: Record[] = [];
  f.push(Buffer.from('abc'), out);
  assert.is(out.length, 0);
  assert.is(f.offset, 3);
  f.push(Buffer.from('def\r\n'), out);
  assert.equal(out, [{ start: 0, end: 8, text: 'abcdef' }]);
  f.reset(100);
  f.push(Buffer.from('x\n'), out);
  assert.equal(out[1], { start: 100, end: 102, text: 'x' });
});

test.run();
