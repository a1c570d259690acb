// The parser's path for positive acks ("TXNR rsp 6 200 OK", read with no frame made) reads the same
// frames as the general path, in the same order, however the bytes are cut, and refuses the same bytes.
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeFrame, type Frame, MAX_TXNR, RelpError } from '../src/relp-frame.js';
import { ACK_DATA, FrameParser } from '../src/relp-parser.js';
import { RelpClient } from '../src/relp.js';
import { FakeRelp } from './fake-relp.js';

type Seen = { txnr: number; command: string; data: string };
const seen = (f: Frame): Seen => ({ txnr: f.txnr, command: f.command, data: f.data.toString('hex') });

/** Feeds the pieces; the frames read (acks of the fast path as the frames they are), and whether it refused. */
function read(pieces: Buffer[], fast: boolean): { frames: Seen[]; acks: number; refused: boolean } {
  const p = new FrameParser();
  const frames: Seen[] = [];
  let acks = 0;
  const onAck = (txnr: number) => {
    acks++;
    frames.push(seen({ txnr, command: 'rsp', data: ACK_DATA }));
  };
  try {
    for (const piece of pieces) p.each(piece, (f) => frames.push(seen(f)), fast ? onAck : undefined);
  } catch (e) {
    assert.instance(e, RelpError);
    return { frames, acks, refused: true };
  }
  return { frames, acks, refused: false };
}

const cut = (b: Buffer, at: number[]) => {
  const points = [...new Set(at.map((n) => n % (b.length + 1)))].sort((x, y) => x - y);
  return [...points, b.length].map((end, i) => b.subarray(i === 0 ? 0 : points[i - 1], end));
};

const txnr = fc.oneof(fc.constantFrom(0, 1, 9, 10, MAX_TXNR), fc.integer({ min: 0, max: MAX_TXNR }));
const ack = txnr.map((t) => encodeFrame(t, 'rsp', ACK_DATA));
const other = fc
  .oneof(
    fc.record({
      t: txnr,
      c: fc.constantFrom('rsp', 'RSP', 'serverclose'),
      d: fc.constantFrom('200 OK', '500 no', '200 OKAY', '', '200 OK\n'),
    }),
    fc.record({ t: txnr, c: fc.stringMatching(/^[a-z]{1,5}$/), d: fc.string({ maxLength: 12 }) }),
  )
  .map(({ t, c, d }) => encodeFrame(t, c, Buffer.from(d)));
const wire = fc
  .array(fc.oneof({ weight: 3, arbitrary: ack }, { weight: 1, arbitrary: other }), { maxLength: 12 })
  .map((fs) => Buffer.concat(fs));

/** Reads the pieces by both paths: the same frames, refused alike. Returns the acks of the fast path. */
function bothAlike(pieces: Buffer[]): number {
  const fast = read(pieces, true);
  const general = read(pieces, false);
  assert.equal(fast.frames, general.frames);
  assert.is(fast.refused, general.refused);
  assert.is(general.acks, 0);
  return fast.acks;
}

test('property: acks read by the fast path are the frames the general path reads, in order, however cut', () => {
  let acks = 0;
  fc.assert(
    fc.property(wire, fc.array(fc.nat(), { maxLength: 10 }), (w, at) => {
      acks += bothAlike(cut(w, at));
    }),
    { numRuns: 1000 },
  );
  assert.ok(acks > 1000, `the fast path read ${acks} acks over the runs`);
});

test('property: damaged bytes are refused by both paths alike, after the same frames', () => {
  const damaged = fc.tuple(wire, fc.nat(), fc.nat({ max: 255 })).map(([w, i, v]) => {
    const b = Buffer.from(w);
    if (b.length) b[i % b.length] = v;
    return b;
  });
  fc.assert(
    fc.property(damaged, fc.array(fc.nat(), { maxLength: 6 }), (w, at) => {
      bothAlike(cut(w, at));
    }),
    { numRuns: 1000 },
  );
});

test('a whole ack goes to onAck with no frame; an ack cut in two is read all the same', () => {
  const one = read([Buffer.from('7 rsp 6 200 OK\n')], true);
  assert.equal(one, { frames: [{ txnr: 7, command: 'rsp', data: ACK_DATA.toString('hex') }], acks: 1, refused: false });
  const split = read([Buffer.from('8 rsp 6 20'), Buffer.from('0 OK\n')], true);
  assert.equal(split.frames, [{ txnr: 8, command: 'rsp', data: ACK_DATA.toString('hex') }]);
  assert.is(split.acks, 0, 'the general path read it');
});

test('an ack with txnr 0 (a server hint, never an answer) fails the session as the general path does, even for a message in flight at the wrap', async () => {
  const fake = await new FakeRelp().start();
  try {
    // The batch spans the wrap: txnr 999999999 is in flight, the one the window would match 0 to.
    fake.trouble = { at: 2, what: { garbage: Buffer.from('0 rsp 6 200 OK\n', 'latin1') } };
    const c = new RelpClient({ host: '127.0.0.1', port: fake.port, window: 4, timeoutMs: 2000, firstTxnr: MAX_TXNR - 2 });
    await c.connect();
    const sent = c.send([Buffer.from('a'), Buffer.from('b'), Buffer.from('c')]).then(
      () => assert.unreachable('an ack with txnr 0 was taken'),
      (e: Error) => e,
    );
    const e = (await sent) as Error;
    assert.instance(e, RelpError);
    assert.match(e.message, /unexpected rsp/);
    assert.is(c.connected, false);
  } finally {
    await fake.stop();
  }
});

test.run();
