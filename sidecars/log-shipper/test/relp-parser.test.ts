// RELP framing: the parser reads server bytes the same however they are cut, refuses anything off the
// grammar with a RelpError (and only that), and reads back exactly what the encoders write.
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeFrame, encodeSyslogFrames, type Frame, MAX_TXNR, nextTxnr, RelpError } from '../src/relp-frame.js';
import { FrameParser } from '../src/relp-parser.js';
import { parseOffers, parseRsp } from '../src/relp-rsp.js';

const test = suite('RELP frames');

const shown = (fs: Frame[]) => fs.map((f) => ({ txnr: f.txnr, command: f.command, data: f.data.toString('hex') }));

/** Splits bytes at the given cut points. */
const cut = (b: Buffer, at: number[]) => {
  const points = [...new Set(at.map((n) => n % (b.length + 1)))].sort((x, y) => x - y);
  return [...points, b.length].map((end, i) => b.subarray(i === 0 ? 0 : points[i - 1], end));
};

/** Feeds the pieces in order: the frames, or 'refused' if the parser threw (a RelpError, and again after). */
function parse(pieces: Uint8Array[], maxData?: number): ReturnType<typeof shown> | 'refused' {
  const p = new FrameParser(maxData);
  const out: Frame[] = [];
  try {
    for (const piece of pieces) out.push(...p.push(piece));
  } catch (e) {
    assert.instance(e, RelpError);
    try {
      p.push(Buffer.from('1 rsp 0\n'));
      assert.unreachable('a parser that threw keeps throwing');
    } catch (again) {
      assert.is(again, e);
    }
    return 'refused';
  }
  return shown(out);
}

const txnr = fc.oneof(fc.constantFrom(0, 1, 9, 10, MAX_TXNR - 1, MAX_TXNR), fc.integer({ min: 0, max: MAX_TXNR }));
const command = fc.oneof(fc.constantFrom('rsp', 'serverclose', 'syslog', 'a', 'Z'.repeat(32)), fc.stringMatching(/^[A-Za-z]{1,32}$/));
const bytes = fc.oneof(
  fc.uint8Array({ maxLength: 200 }),
  fc.array(fc.constantFrom(0x0a, 0x20, 0x30, 0x39, 0x61), { maxLength: 20 }).map((a) => Uint8Array.from(a)),
);
const frame = fc.record({ txnr, command, data: bytes });

test('a frame with DATALEN 0 has no SP and no data, and one with data has both', () => {
  assert.is(encodeFrame(7, 'close').toString(), '7 close 0\n');
  assert.is(encodeFrame(0, 'serverclose', new Uint8Array()).toString(), '0 serverclose 0\n');
  assert.is(encodeFrame(12, 'rsp', Buffer.from('200 OK')).toString(), '12 rsp 6 200 OK\n');
  assert.equal(parse([Buffer.from('12 rsp 6 200 OK\n0 serverclose 0\n')]), [
    { txnr: 12, command: 'rsp', data: Buffer.from('200 OK').toString('hex') },
    { txnr: 0, command: 'serverclose', data: '' },
  ]);
});

test('what librelp tolerates and the grammar allows is read: leading zeros and upper-case commands', () => {
  assert.equal(parse([Buffer.from('007 RSP 006 200 OK\n')]), [{ txnr: 7, command: 'RSP', data: Buffer.from('200 OK').toString('hex') }]);
});

test('bytes that break the grammar are refused with a RelpError', () => {
  const bad = [
    ' 1 rsp 0\n',
    'x rsp 0\n',
    '1234567890 rsp 0\n',
    '1  0\n',
    '1 r2p 0\n',
    `1 ${'a'.repeat(33)} 0\n`,
    '1 rsp \n',
    '1 rsp 0 \n',
    '1 rsp 0x\n',
    '1 rsp 2\nOK\n',
    '1 rsp 2 OKX',
    '1 rsp 1234567890 ',
    '1 rsp 131073 ',
    '1\trsp 0\n',
  ];
  for (const b of bad) assert.is(parse([Buffer.from(b)]), 'refused', JSON.stringify(b));
  assert.is(parse([Buffer.from('1 rsp 17 ')], 16), 'refused', 'a DATALEN over the limit given');
});

test('rsp data is a 3-digit code, SP and text, then offers after an LF', () => {
  const r = parseRsp(Buffer.from('200 OK\nrelp_version=0\nrelp_software=rsyslog,8.2404.0,https://www.rsyslog.com\ncommands=syslog'));
  assert.equal([r.code, r.text], [200, 'OK']);
  assert.equal(
    [...parseOffers(r.rest)],
    [
      ['relp_version', ['0']],
      ['relp_software', ['rsyslog', '8.2404.0', 'https://www.rsyslog.com']],
      ['commands', ['syslog']],
    ],
  );
  assert.equal([parseRsp(Buffer.from('500 ')).code, parseRsp(Buffer.from('500 ')).text], [500, '']);
  for (const d of ['', '200', '200OK', '20 OK', 'OK 200']) {
    assert.throws(
      () => parseRsp(Buffer.from(d)),
      (e: unknown) => e instanceof RelpError,
      JSON.stringify(d),
    );
  }
});

test('encodeFrame refuses what a frame cannot carry', () => {
  for (const [t, c] of [
    [-1, 'rsp'],
    [MAX_TXNR + 1, 'rsp'],
    [1.5, 'rsp'],
    [1, ''],
    [1, 'sys log'],
    [1, 'a'.repeat(33)],
  ] as const) {
    assert.throws(
      () => encodeFrame(t, c),
      (e: unknown) => e instanceof RelpError,
      `${t} ${c}`,
    );
  }
});

test('property: any sequence of valid frames, however cut into chunks, parses to exactly those frames', () => {
  fc.assert(
    fc.property(fc.array(frame, { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 12 }), (frames, at) => {
      const wire = Buffer.concat(frames.map((f) => encodeFrame(f.txnr, f.command, f.data)));
      const expected = frames.map((f) => ({ txnr: f.txnr, command: f.command, data: Buffer.from(f.data).toString('hex') }));
      assert.equal(parse(cut(wire, at)), expected);
    }),
    { numRuns: 500 },
  );
});

/** Valid frames with a few bytes changed, dropped or doubled: garbage that gets past the first byte. */
const damaged = fc
  .tuple(
    fc.array(frame, { minLength: 1, maxLength: 4 }),
    fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 }), fc.nat({ max: 2 })), { maxLength: 3 }),
  )
  .map(([frames, edits]) => {
    const b = [...Buffer.concat(frames.map((f) => encodeFrame(f.txnr, f.command, f.data)))];
    for (const [at, value, kind] of edits) {
      const i = at % b.length;
      if (kind === 0) b[i] = value;
      else if (kind === 1) b.splice(i, 1);
      else b.splice(i, 0, b[i]!);
    }
    return Buffer.from(b);
  });

test('property: arbitrary bytes either parse into frames or throw a RelpError, the same however cut', () => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.uint8Array({ maxLength: 80 }).map((u) => Buffer.from(u)),
        damaged,
      ),
      fc.array(fc.nat(), { maxLength: 8 }),
      (b, at) => {
        const whole = parse([b]);
        assert.equal(parse(cut(b, at)), whole);
        assert.equal(parse([...b].map((x) => Uint8Array.of(x))), whole, 'byte by byte');
      },
    ),
    { numRuns: 500 },
  );
});

test('property: encodeFrame then FrameParser gives back the frame, fed whole or byte by byte', () => {
  fc.assert(
    fc.property(frame, (f) => {
      const wire = encodeFrame(f.txnr, f.command, f.data);
      const expected = [{ txnr: f.txnr, command: f.command, data: Buffer.from(f.data).toString('hex') }];
      assert.equal(parse([wire]), expected);
      assert.equal(parse([...wire].map((x) => Uint8Array.of(x))), expected);
    }),
    { numRuns: 500 },
  );
});

test('property: a batch of syslog frames is the frames encodeFrame writes one by one, txnrs wrapping to 1', () => {
  fc.assert(
    fc.property(fc.array(bytes, { maxLength: 10 }), fc.integer({ min: MAX_TXNR - 12, max: MAX_TXNR }), fc.nat(), (ms, first, from) => {
      const start = ms.length ? from % ms.length : 0;
      const one: Buffer[] = [];
      for (let i = start, t = first; i < ms.length; i++, t = nextTxnr(t)) one.push(encodeFrame(t, 'syslog', ms[i]));
      assert.equal(encodeSyslogFrames(ms, start, ms.length, first).toString('hex'), Buffer.concat(one).toString('hex'));
    }),
    { numRuns: 500 },
  );
});

test.run();
