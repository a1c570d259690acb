// The send window writes its frames into one buffer it reuses, and a socket may hold a written buffer as
// it is until it can send it (NativeConn queues what the kernel did not take, a view of the caller's
// bytes): the window must then leave that buffer alone. A socket that holds every write shows whether
// any byte held was changed.
import { EventEmitter } from 'node:events';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Conn } from '../../lib/conn.js';
import { encodeSyslogFrames, type RelpError } from '../src/relp-frame.js';
import { ACK_DATA } from '../src/relp-parser.js';
import { SendWindow } from '../src/relp-window.js';

/** Holds every buffer written, as it is, and says so in writableLength (or takes copies, and holds none). */
class HoldingConn extends EventEmitter {
  readonly held: Buffer[] = [];
  writableLength = 0;
  destroyed = false;
  writable = true;
  constructor(private readonly copies: boolean) {
    super();
  }
  write(b: Buffer): boolean {
    this.held.push(this.copies ? Buffer.from(b) : b);
    if (!this.copies) this.writableLength += b.length;
    return true;
  }
  // What a Conn must have, and the window never calls.
  end = () => this;
  destroy = () => this;
  pause = () => this;
  resume = () => this;
}

/** Sends 60 messages through a window of 4, acking each in turn: what the socket was given, and how many
 * distinct buffers its writes were views of. */
async function sendThrough(conn: HoldingConn) {
  const messages = Array.from({ length: 60 }, (_, i) => Buffer.from(`message ${i};`.repeat(1 + (i % 7))));
  const fail = (e: RelpError) => assert.unreachable(e.message);
  const w = new SendWindow(conn as unknown as Conn, { where: 'test', size: 4, timeoutMs: 10_000, guard: (fn) => fn(), fail });
  const done = w.send(messages, 1);
  for (let t = 1; t <= messages.length; t++) {
    w.ack({ txnr: t, command: 'rsp', data: ACK_DATA });
    w.settle();
  }
  await done;
  return {
    wire: Buffer.concat(conn.held),
    expected: encodeSyslogFrames(messages, 0, messages.length, 1),
    buffers: new Set(conn.held.map((b) => b.buffer)).size,
    writes: conn.held.length,
  };
}

test('frames a socket still holds are never written over: each write while it holds some gets a new buffer', async () => {
  const r = await sendThrough(new HoldingConn(false));
  assert.ok(r.wire.equals(r.expected), 'the bytes held are the frames, in order');
  assert.is(r.buffers, r.writes);
});

test('while the socket holds nothing, the same buffer is written from again', async () => {
  const conn = new HoldingConn(true);
  const views: ArrayBufferLike[] = [];
  const write = conn.write.bind(conn);
  conn.write = (b: Buffer) => {
    views.push(b.buffer);
    return write(b);
  };
  const r = await sendThrough(conn);
  assert.ok(r.wire.equals(r.expected));
  assert.ok(r.writes > 50);
  assert.is(new Set(views).size, 1, 'one buffer for every write');
});

test.run();
