// Messages written from the bytes read: the same bytes message() builds from the text, for any line; and
// the buffers reads go into are reused only once every record read into them has been written.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BufferPool, MessageBuffer } from '../src/batch-buffer.js';
import { Formatter, MAX_MESSAGE_BYTES } from '../src/format.js';
import { Slice } from '../src/framer.js';
import type { Shipped, Tracked } from '../src/tracked.js';
import { closeTailers, tailerIn } from './tailer-support.js';

const from = { name: 'app "1".log', where: { dev: 1, ino: 2, path: 'app.log' } } as unknown as Tracked;

/** A record of the line's bytes, as the tailer makes it: a Slice of a larger chunk. */
function slice(line: Buffer, start: number): Shipped {
  const chunk = Buffer.concat([Buffer.from('xx\n'), line, Buffer.from('\nyy')]);
  const s = new Slice(start, start + line.length + 1, chunk, 3, 3 + line.length) as Slice & Shipped;
  s.fp = '0123456789abcdef';
  s.from = from;
  return s;
}

const line = fc.oneof(
  fc.string({ maxLength: 300 }).map((s) => Buffer.from(s)),
  fc.json().map((s) => Buffer.from(s)),
  fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a.filter((b) => b !== 0x0a))),
  fc.integer({ min: 9_000, max: 70_000 }).map((n) => Buffer.from(`{"a":"${'\\u0001'.repeat(n / 6)}"}`)),
);

test("property: a message written from a record's bytes is byte for byte the one message() builds from its text", () => {
  fc.assert(
    fc.property(fc.array(line, { minLength: 1, maxLength: 4 }), fc.boolean(), fc.nat(1 << 30), (lines, parseJson, start) => {
      const f = new Formatter({ pod: 'pod-é 1', container: 'app' }, parseJson);
      const out = new MessageBuffer(new BufferPool(2), 16);
      const records = lines.map((l) => slice(l, start));
      const expected = records.map((r) => f.message(r, '2026-11-27T05:00:00.000Z').toString('hex'));
      for (const r of records) f.write(r, '2026-11-27T05:00:00.000Z', out);
      const got = out.messages();
      assert.equal(
        got.map((m) => m.toString('hex')),
        expected,
      );
      for (const m of got) assert.ok(m.length <= MAX_MESSAGE_BYTES);
    }),
    { numRuns: 300 },
  );
});

test.after(closeTailers);

test('a buffer read into is reused only once every record read into it has been written', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'write-bytes-'));
  const lines = Array.from({ length: 100_000 }, (_, i) => `{"seq":${i},"pad":"${String(i).repeat(12)}"}`);
  const text = lines.map((l) => `${l}\n`).join('');
  writeFileSync(join(dir, 'app.log'), text);
  const lineAt = new Map<number, string>();
  for (let i = 0, at = 0; i < lines.length; at += Buffer.byteLength(lines[i]!) + 1, i++) lineAt.set(at, lines[i]!);
  const { t } = tailerIn(dir);
  const f = new Formatter({ pod: 'p', container: 'c' }, false);
  const buffers = new Set<ArrayBufferLike>();
  let written = 0;
  const write = (rs: Shipped[]) => {
    const out = new MessageBuffer(new BufferPool(1), 1024);
    for (const r of rs) {
      const b = (r as Slice).chunk.buffer;
      if (b.byteLength >= 256 * 1024) buffers.add(b); // a pooled buffer (a small read's bytes are copied out)
      f.write(r, 't', out);
    }
    out.messages().forEach((m, i) => {
      assert.is(JSON.parse(m.toString().split(' - - - ')[1]!).message, lineAt.get(rs[i]!.start), `the line at ${rs[i]!.start}`);
    });
    written += rs.length;
  };
  await t.scan();
  let pending: Shipped[] = [];
  let seed = 7;
  for (;;) {
    const got: Shipped[] = [];
    const n = await t.read(600_000, got);
    // What waited is written now, after a pseudo-random half of what was just read, all in reverse: the
    // other half waits for the next reads, which take buffers from the pool meanwhile.
    const now: Shipped[] = [];
    const later: Shipped[] = [];
    for (const r of got) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      (seed % 2 || !n ? now : later).push(r);
    }
    write([...now, ...pending].reverse());
    pending = later;
    if (!n) break;
  }
  assert.is(written, lines.length, 'every line written once');
  const reads = Buffer.byteLength(text) / (256 * 1024);
  assert.ok(
    buffers.size >= 1 && buffers.size < reads / 4,
    `${buffers.size} pooled buffers for at least ${Math.floor(reads)} reads of 256 KiB`,
  );
});

test.run();
