// Pins the behaviours of Bun's native sockets that the data plane relies on, at the Bun version in
// package.json (bun-socket.ts says why each matters). One of them, a server-side upgradeTLS, is not
// documented: if a Bun upgrade changes any of these, this file fails before a proxy does.
import { readFileSync } from 'node:fs';
import { connect as tcpConnect, type Socket } from 'node:net';
import { type ConnectionOptions, connect as tlsConnect, createSecureContext, type TLSSocket } from 'node:tls';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { makePki, type Pki } from '../../test-support/pki.js';
import { quietFor, until, within } from '../../test-support/wait.js';
import { alpnWire, type BunListener, type BunSocket, bunListen, upgradeServerTls } from '../bun-socket.js';

interface Seen {
  raw: { afterUpgrade: number };
  handshakes: { ok: boolean }[];
  got: string[];
  ended: number;
  tls?: BunSocket<Seen>;
}

interface Ctx {
  pki: Pki;
  ctx: unknown;
  server?: BunListener;
  seen: Seen;
}

const test = suite<Ctx>('Bun native sockets, as the data plane uses them');

test.before((c) => {
  c.pki = makePki();
  const pair = c.pki.issue('server', '0b01');
  c.ctx = createSecureContext({ cert: readFileSync(pair.cert), key: readFileSync(pair.key) }).context;
});
test.after((c) => c.pki.cleanup());
test.before.each((c) => {
  c.seen = { raw: { afterUpgrade: 0 }, handshakes: [], got: [], ended: 0 };
});
test.after.each((c) => c.server?.stop(true));

/** A listener that upgrades every connection to TLS on its first bytes; onData runs on each decrypted read. */
function upgrading(c: Ctx, onData: (t: BunSocket<Seen>, d: Buffer) => void): number {
  const seen = c.seen;
  c.server = bunListen<{ up: boolean }>('127.0.0.1', 0, {
    open: (s) => {
      s.data = { up: false };
    },
    data: (s, chunk) => {
      if (s.data.up) {
        seen.raw.afterUpgrade++;
        return;
      }
      s.data.up = true;
      seen.tls = upgradeServerTls(s, { secureContext: c.ctx, ALPNProtocols: alpnWire(['http/1.1']) }, chunk, seen, {
        handshake: (_t, ok) => void seen.handshakes.push({ ok }),
        data: (t, d) => {
          seen.got.push(d.toString());
          onData(t, d);
        },
        end: () => void seen.ended++,
      });
    },
  });
  return c.server.port;
}

const client = (c: Ctx, port: number, allowHalfOpen = false): Promise<TLSSocket> =>
  within(
    5000,
    'the TLS client connected',
    new Promise<TLSSocket>((resolve, reject) => {
      // allowHalfOpen is a net.Socket option that tls.connect passes on; Node's types leave it out.
      const o = { host: '127.0.0.1', port, ca: c.pki.ca, servername: 'localhost', ALPNProtocols: ['http/1.1'], allowHalfOpen };
      const s = tlsConnect(o as ConnectionOptions);
      s.once('secureConnect', () => resolve(s));
      s.once('error', reject);
    }),
  );

test('a server-side upgrade completes a verified handshake, reports it as true, and negotiates ALPN', async (c) => {
  const port = upgrading(c, (t) => void t.write('pong'));
  const s = await client(c, port);
  assert.is(s.alpnProtocol, 'http/1.1');
  s.write('ping');
  const answer = await within(5000, 'the answer', new Promise<string>((r) => s.once('data', (d: Buffer) => r(d.toString()))));
  s.destroy();
  assert.equal([answer, c.seen.got, c.seen.handshakes], ['pong', ['ping'], [{ ok: true }]]);
});

test('the raw socket still receives the ciphertext once upgraded, so its handler must ignore it', async (c) => {
  const port = upgrading(c, (t) => void t.write('pong'));
  const s = await client(c, port);
  s.write('ping');
  await until('the TLS socket read the request', () => c.seen.got.length === 1);
  s.destroy();
  assert.ok(c.seen.raw.afterUpgrade > 0, `${c.seen.raw.afterUpgrade} raw reads after the upgrade`);
});

test('a write the socket cannot take whole returns the count it took, not the length', async (c) => {
  const big = Buffer.alloc(16 << 20, 97);
  let took = -2;
  const port = upgrading(c, (t) => {
    took = t.write(big);
  });
  const s = await client(c, port);
  s.pause();
  s.write('go');
  await until('the server wrote', () => took !== -2);
  s.destroy();
  assert.ok(took >= 0 && took < big.length, `write returned ${took} of ${big.length}`);
});

test('shutdown() half-closes: the client reads the answer and its end, and the server still reads what follows', async (c) => {
  const port = upgrading(c, (t, d) => {
    if (d.toString() === 'first') {
      t.write('answer');
      t.shutdown();
    }
  });
  const s = await client(c, port, true);
  const read: string[] = [];
  s.on('data', (d: Buffer) => read.push(d.toString()));
  const ended = new Promise<void>((r) => s.once('end', () => r()));
  s.write('first');
  await within(5000, "the server's end", ended);
  s.end('after');
  await until('the server read what came after its shutdown', () => c.seen.got.includes('after'));
  assert.equal(read.join(''), 'answer');
});

test('a plain socket that is not upgraded answers and ends with end(data)', async (c) => {
  c.server = bunListen<undefined>('127.0.0.1', 0, { data: (s) => s.end('plain answer') });
  const s: Socket = tcpConnect(c.server.port, '127.0.0.1');
  const read: string[] = [];
  s.on('data', (d: Buffer) => read.push(d.toString()));
  const closed = new Promise<void>((r) => s.once('close', () => r()));
  s.write('hello');
  await within(5000, 'the close', closed);
  assert.equal(read.join(''), 'plain answer');
});

test('with allowHalfOpen, a listener still writes after the peer’s FIN, and the connection closes once it ends too', async (c) => {
  let peerEnded: () => void = () => {};
  const sawEnd = new Promise<void>((r) => (peerEnded = r));
  let held: BunSocket<undefined> | undefined;
  c.server = bunListen<undefined>(
    '127.0.0.1',
    0,
    {
      open: (s) => void (held = s),
      data: () => {},
      end: () => peerEnded(),
    },
    true,
  );
  const s: Socket = tcpConnect(c.server.port, '127.0.0.1');
  const read: string[] = [];
  s.on('data', (d: Buffer) => read.push(d.toString()));
  const closed = new Promise<void>((r) => s.once('close', () => r()));
  s.end('request');
  let ended = false;
  s.on('end', () => (ended = true));
  await within(5000, "the peer's FIN at the listener", sawEnd);
  await quietFor(300, 'the listener ending its own side on the peer’s FIN');
  assert.is(ended, false, 'the listener has not ended its side');
  assert.ok(held, 'the listener kept the socket');
  assert.ok(held.write('late answer') > 0, 'a write after the FIN is taken');
  held.end();
  await within(5000, 'the close', closed);
  assert.equal(read.join(''), 'late answer');
});

test.run();
