// The reader of chunked request bodies: what the app gets does not depend on how the client's bytes were
// split, extensions and trailers never reach the app, and bytes that break the grammar are a 400.
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { HttpError } from '../../http.js';
import { ChunkedReader } from '../chunked.js';

const test = suite('chunked request bodies');

/** Feeds the pieces in order; what the app got, how many bytes of the input were the body, and whether it ended. */
function read(pieces: Buffer[]): { out: string; used: number; done: boolean } {
  const r = new ChunkedReader();
  const out: Buffer[] = [];
  let used = 0;
  for (const p of pieces) {
    if (r.done) break;
    used += r.push(p, (b) => out.push(Buffer.from(b)));
  }
  return { out: Buffer.concat(out).toString('latin1'), used, done: r.done };
}

/** Splits bytes at the given cut points. */
const cut = (b: Buffer, at: number[]) => {
  const points = [...new Set(at.map((n) => n % (b.length + 1)))].sort((x, y) => x - y);
  return [...points, b.length].map((end, i) => b.subarray(i === 0 ? 0 : points[i - 1], end));
};

test('chunks reach the app re-framed, extensions and trailers dropped, and the next request is left unread', () => {
  const body = Buffer.from('5;ext=1\r\nhello\r\n0A\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\nGET /next HTTP/1.1\r\n');
  const r = read([body]);
  assert.equal(r, { out: '5\r\nhello\r\n0A\r\n0123456789\r\n0\r\n\r\n', used: body.indexOf('GET'), done: true });
});

test('bytes that break the grammar are refused with a 400', () => {
  const bad = [
    '5\r\nhelloX\r\n',
    'Z\r\n',
    '5\nhello\r\n',
    '-1\r\n',
    '0x5\r\nhello\r\n',
    '5 5\r\n',
    '0\r\nbad trailer\r\n\r\n',
    `${'f'.repeat(16)}\r\n`,
  ];
  for (const b of bad) {
    try {
      read([Buffer.from(b)]);
      assert.unreachable(`${JSON.stringify(b)} must be refused`);
    } catch (e) {
      assert.instance(e, HttpError, JSON.stringify(b));
      assert.is((e as HttpError).status, 400);
    }
  }
});

const chunkedBody = fc
  .array(fc.tuple(fc.string({ minLength: 1, maxLength: 20 }), fc.constantFrom('', ';a=b', ';x')), { maxLength: 5 })
  .map((chunks) => {
    const data = chunks.map(([d]) => Buffer.from(d, 'latin1'));
    const wire = chunks.map(([, ext], i) => `${data[i]!.length.toString(16)}${ext}\r\n${data[i]!.toString('latin1')}\r\n`).join('');
    return { wire: Buffer.from(`${wire}0\r\nT: v\r\n\r\nNEXT`, 'latin1'), data: Buffer.concat(data).toString('latin1') };
  });

test('property: however the bytes are cut, the app gets the same re-framed chunks, and their data is the body', () => {
  fc.assert(
    fc.property(chunkedBody, fc.array(fc.nat(), { maxLength: 8 }), ({ wire, data }, at) => {
      const whole = read([wire]);
      const pieces = read(cut(wire, at));
      assert.equal(pieces, whole);
      assert.ok(whole.done);
      assert.is(whole.used, wire.length - 4);
      const decoded = whole.out.replace(/([0-9a-f]+)\r\n([\s\S]*?)\r\n/g, (_m, n: string, d: string) =>
        parseInt(n, 16) === d.length ? d : `<bad ${n}>`,
      );
      assert.is(decoded.replace(/\r\n$/, ''), data.length ? data : '');
    }),
  );
});

test('property: arbitrary bytes, cut anywhere, either read or refused with a 400, the same way however cut', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), fc.array(fc.nat(), { maxLength: 6 }), (raw, at) => {
      const b = Buffer.from(raw);
      const verdict = (pieces: Buffer[]) => {
        try {
          return read(pieces);
        } catch (e) {
          assert.instance(e, HttpError);
          return (e as HttpError).status;
        }
      };
      const whole = verdict([b]);
      assert.equal(verdict(cut(b, at)), whole);
      if (typeof whole === 'number') assert.is(whole, 400);
    }),
  );
});

test.run();
