// NativeConn behaves as the data plane expects of a Node socket: writes past what the socket takes are
// queued in order and a 'drain' follows a false write, reads made before start() are held, a FIN is
// heard as 'end', and 'close' comes exactly once whichever way the connection ends.
import { createServer, type Server, type Socket } from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { freePort, until, within } from '../../test-support/wait.js';
import { dial, NativeConn } from '../native-conn.js';

interface Ctx {
  server?: Server;
  peers: Socket[];
}

const test = suite<Ctx>('NativeConn');

test.before.each((c) => {
  c.peers = [];
});
test.after.each(async (c) => {
  for (const p of c.peers) p.destroy();
  await new Promise<void>((r) => (c.server ? c.server.close(() => r()) : r()));
});

/** A TCP server on 127.0.0.1 whose accepted sockets go to onPeer. */
async function serve(c: Ctx, onPeer: (s: Socket) => void): Promise<number> {
  c.server = createServer((s) => {
    c.peers.push(s);
    onPeer(s);
  });
  await new Promise<void>((r) => c.server!.listen(0, '127.0.0.1', r));
  return (c.server.address() as { port: number }).port;
}

const closes = (conn: NativeConn) => {
  const n = { close: 0 };
  conn.on('close', () => n.close++);
  return n;
};

test('bytes written before the connection opens and past what the socket takes all arrive, in order', async (c) => {
  const received: Buffer[] = [];
  const port = await serve(c, (s) => s.on('data', (d: Buffer) => received.push(d)));
  const conn = dial('127.0.0.1', port);
  const parts = Array.from({ length: 64 }, (_, i) => Buffer.alloc(256 * 1024, i));
  let refused = 0;
  for (const p of parts) if (!conn.write(p)) refused++;
  const total = parts.reduce((n, p) => n + p.length, 0);
  await until('every byte arrived', () => received.reduce((n, b) => n + b.length, 0) === total, 10000);
  conn.destroy();
  assert.ok(refused > 0, 'writes past the high-water mark return false');
  assert.ok(Buffer.concat(received).equals(Buffer.concat(parts)), 'the bytes arrived in the order written');
});

test("a write that returned false is followed by 'drain' once the queue is out", async (c) => {
  const port = await serve(c, (s) => s.resume());
  const conn = dial('127.0.0.1', port);
  const ok = conn.write(Buffer.alloc(1 << 20));
  const drained = new Promise<void>((r) => conn.once('drain', () => r()));
  await within(5000, "'drain'", drained);
  conn.destroy();
  assert.is(ok, false);
});

test('reads before start() are held, then delivered in order', async (c) => {
  const port = await serve(c, (s) => {
    s.write('one');
    setImmediate(() => s.write('two'));
  });
  // A held connection is fed the dialled one's reads, as a server connection is fed before its handshake ends.
  const held = new NativeConn(true);
  const feed = dial('127.0.0.1', port);
  let fed = 0;
  feed.on('data', (d: Buffer) => {
    fed += d.length;
    held.received(d);
  });
  await until('both reads were fed', () => fed === 6);
  const got: string[] = [];
  held.on('data', (d: Buffer) => got.push(d.toString()));
  const before = got.length;
  held.start();
  feed.destroy();
  assert.equal([before, got.join('')], [0, 'onetwo']);
});

test("the peer's FIN is heard as 'end', this side ends too, and 'close' comes once", async (c) => {
  const port = await serve(c, (s) => s.end('bye'));
  const conn = dial('127.0.0.1', port);
  const n = closes(conn);
  let ended = 0;
  conn.on('end', () => ended++);
  conn.on('data', () => {});
  await until("'close'", () => n.close > 0);
  assert.equal([ended, n.close, conn.writable, conn.destroyed], [1, 1, false, true]);
});

test("destroy() emits 'close' once, and a write after it returns false and sends nothing", async (c) => {
  const received: Buffer[] = [];
  const port = await serve(c, (s) => s.on('data', (d: Buffer) => received.push(d)));
  const conn = dial('127.0.0.1', port);
  const n = closes(conn);
  conn.write('before');
  await until('the first write arrived', () => received.length > 0);
  conn.destroy();
  conn.destroy();
  await until("'close'", () => n.close > 0);
  assert.equal([conn.write('after'), n.close, Buffer.concat(received).toString()], [false, 1, 'before']);
});

test("a refused connection emits 'error', then 'close' once", async () => {
  const port = await freePort();
  const conn = dial('127.0.0.1', port);
  const n = closes(conn);
  const errors: Error[] = [];
  conn.on('error', (e: Error) => errors.push(e));
  await until("'close'", () => n.close > 0);
  assert.equal([errors.length, n.close], [1, 1]);
});

test("'connect' comes once the connection is open, before the first byte is read", async (c) => {
  const port = await serve(c, (s) => s.end('hi'));
  const conn = dial('127.0.0.1', port);
  const events: string[] = [];
  conn.on('connect', () => events.push('connect'));
  conn.on('data', (d: Buffer) => events.push(`data ${d.toString()}`));
  await within(5000, "'close'", new Promise<void>((r) => conn.on('close', () => r())));
  assert.equal(events, ['connect', 'data hi']);
});

test('a port out of range throws ERR_SOCKET_BAD_PORT at once, as node:net does', () => {
  for (const port of [70000, -1, 1.5]) {
    try {
      dial('127.0.0.1', port);
      assert.unreachable(`port ${port} was dialled`);
    } catch (e) {
      assert.is((e as NodeJS.ErrnoException).code, 'ERR_SOCKET_BAD_PORT', String(port));
    }
  }
});

test.run();
