// Pins how Bun's native TLS verifies certificates, at the Bun version in package.json: what mTLS on the
// native data plane (native-front.ts with clientCertificates, dialTls in native-conn.ts) relies on, and
// the behaviours it works around. If a Bun upgrade changes any of these, this file fails before a proxy
// lets a peer through.
import { readFileSync } from 'node:fs';
import { connect as tlsConnect, createSecureContext, createServer, type Server, type TLSSocket } from 'node:tls';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { makePki, type Issued, type Pki } from '../../test-support/pki.js';
import { within } from '../../test-support/wait.js';
import { alpnWire, type BunListener, bunConnect, bunListen, type ServerTls, upgradeServerTls } from '../bun-socket.js';

interface Outcome {
  ok: boolean;
  code: string | undefined;
  message: string | undefined;
  authorized: boolean | undefined;
  subjectAltName: string | undefined;
  /** The connection was still open when the handshake handler returned. */
  closedByBun: boolean;
}

interface Ctx {
  pki: Pki;
  foreign: Pki;
  server: Issued;
  client: Issued;
  listener?: BunListener;
  tlsServer?: Server;
}

const test = suite<Ctx>("Bun's native TLS verification, as mTLS uses it");

test.before((c) => {
  c.pki = makePki();
  c.foreign = makePki();
  c.server = c.pki.issue('server', '0a01', 'ec', { peer: true });
  c.client = c.pki.issue('client', '0a02', 'ec', { peer: true });
});
test.after((c) => {
  c.pki.cleanup();
  c.foreign.cleanup();
});
test.after.each((c) => {
  c.listener?.stop(true);
  c.listener = undefined;
  c.tlsServer?.close();
  c.tlsServer = undefined;
});

const read = (i: Issued) => ({ cert: readFileSync(i.cert), key: readFileSync(i.key) });

/** A native listener that upgrades each connection with a context that requires client certificates. */
function mtlsServer(c: Ctx, extra: Partial<ServerTls> = {}): Promise<{ port: number; outcome: Promise<Outcome> }> {
  const context = createSecureContext({ ...read(c.server), ca: c.pki.ca, requestCert: true, rejectUnauthorized: true } as object);
  let settle: (o: Outcome) => void = () => {};
  const outcome = new Promise<Outcome>((r) => {
    settle = r;
  });
  c.listener = bunListen<{ up: boolean }>('127.0.0.1', 0, {
    open: (s) => {
      s.data = { up: false };
    },
    data: (s, chunk) => {
      if (s.data.up) return;
      s.data.up = true;
      let closed = false;
      upgradeServerTls(s, { secureContext: context.context, ...extra }, chunk, undefined, {
        data: () => {},
        close: () => {
          closed = true;
        },
        handshake: (t, ok, err) => {
          const e = err as NodeJS.ErrnoException | null;
          settle({
            ok,
            code: e?.code,
            message: e?.message,
            authorized: t.authorized,
            subjectAltName: t.getPeerX509Certificate()?.subjectAltName,
            closedByBun: closed,
          });
        },
      });
    },
  });
  return Promise.resolve({ port: c.listener.port, outcome });
}

/** A node:tls client (Bun's) with this certificate, or none; resolves once it connected or failed. */
function callWith(port: number, ca: Buffer, identity?: Issued): Promise<TLSSocket> {
  return new Promise((resolve) => {
    const s = tlsConnect({ host: '127.0.0.1', port, ca, servername: 'localhost', ...(identity ? read(identity) : {}) });
    s.on('error', () => {});
    s.once('secureConnect', () => resolve(s));
    s.once('close', () => resolve(s));
  });
}

test('a server context that requires client certificates fails the handshake of a client without one', async (c) => {
  const { port, outcome } = await mtlsServer(c);
  const s = await callWith(port, c.pki.ca);
  const o = await within(5000, 'the handshake outcome', outcome);
  s.destroy();
  assert.is(o.ok, false);
  assert.match(o.message ?? '', 'PEER_DID_NOT_RETURN_A_CERTIFICATE');
});

test('a client certificate of the trusted CA ends the handshake as a success, authorized, with its subjectAltName', async (c) => {
  const { port, outcome } = await mtlsServer(c);
  const s = await callWith(port, c.pki.ca, c.client);
  const o = await within(5000, 'the handshake outcome', outcome);
  s.destroy();
  assert.equal([o.ok, o.code, o.authorized, o.subjectAltName], [true, undefined, true, 'DNS:localhost, IP Address:127.0.0.1']);
});

test('a client certificate of another CA ends the handshake as a success with the error beside it, so the caller must refuse it', async (c) => {
  const { port, outcome } = await mtlsServer(c);
  const stranger = c.foreign.issue('stranger', '0b01', 'ec', { peer: true });
  const s = await callWith(port, c.pki.ca, stranger);
  const o = await within(5000, 'the handshake outcome', outcome);
  s.destroy();
  assert.equal([o.ok, o.code, o.authorized, o.closedByBun], [true, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', false, false]);
});

test('an expired client certificate of the trusted CA ends the handshake as a success with CERT_HAS_EXPIRED beside it', async (c) => {
  const { port, outcome } = await mtlsServer(c);
  const expired = c.pki.issue('expired', '0a03', 'ec', { peer: true, days: -1 });
  const s = await callWith(port, c.pki.ca, expired);
  const o = await within(5000, 'the handshake outcome', outcome);
  s.destroy();
  assert.equal([o.ok, o.code, o.authorized], [true, 'CERT_HAS_EXPIRED', false]);
});

test('ALPN protocols given to the upgrade beside the context drop its request for a client certificate (so mTLS sets none)', async (c) => {
  const { port, outcome } = await mtlsServer(c, { ALPNProtocols: alpnWire(['http/1.1']) });
  const s = await callWith(port, c.pki.ca);
  const o = await within(5000, 'the handshake outcome', outcome);
  s.destroy();
  assert.equal([o.ok, o.authorized, o.subjectAltName], [true, false, undefined]);
});

/** Bun.connect with a native client context that does not refuse on its own; the handshake's outcome. */
async function dialWith(c: Ctx, server: Issued, serverCa: Buffer): Promise<Outcome> {
  c.tlsServer = createServer({ ...read(server), ca: serverCa }, (s) => s.on('error', () => {}));
  // On 127.0.0.2, an address the certificates do not name.
  await new Promise<void>((r) => c.tlsServer!.listen(0, '127.0.0.2', () => r()));
  const port = (c.tlsServer.address() as { port: number }).port;
  const secureContext = createSecureContext({ ...read(c.client), ca: c.pki.ca }).context;
  return within(
    5000,
    'the client handshake outcome',
    new Promise<Outcome>((resolve, reject) => {
      let closed = false;
      bunConnect(
        '127.0.0.2',
        port,
        undefined,
        {
          data: () => {},
          close: () => {
            closed = true;
          },
          handshake: (t, ok, err) => {
            const e = err as NodeJS.ErrnoException | null;
            const subjectAltName = t.getPeerX509Certificate()?.subjectAltName;
            resolve({ ok, code: e?.code, message: e?.message, authorized: t.authorized, subjectAltName, closedByBun: closed });
            t.terminate();
          },
        },
        { secureContext, rejectUnauthorized: false },
      ).catch(reject);
    }),
  );
}

test('a client that reaches a verified server by a name it lacks gets ERR_TLS_CERT_ALTNAME_INVALID, and the connection stays open', async (c) => {
  const o = await dialWith(c, c.server, c.pki.ca);
  assert.equal([o.ok, o.code, o.authorized, o.closedByBun], [false, 'ERR_TLS_CERT_ALTNAME_INVALID', false, false]);
  assert.is(o.subjectAltName, 'DNS:localhost, IP Address:127.0.0.1');
});

test("a client reaching a server of another CA gets the chain's error, not the name's, though the name is wrong too", async (c) => {
  const stranger = c.foreign.issue('stranger-server', '0b02', 'ec', { peer: true });
  const o = await dialWith(c, stranger, c.foreign.ca);
  assert.equal([o.ok, o.code, o.authorized], [false, 'SELF_SIGNED_CERT_IN_CHAIN', false]); // the server sends its CA along
});

test("a client reaching an expired server of the trusted CA by a name it lacks gets CERT_HAS_EXPIRED, not the name's error", async (c) => {
  const expired = c.pki.issue('expired-server', '0a04', 'ec', { peer: true, days: -1 });
  const o = await dialWith(c, expired, c.pki.ca);
  assert.equal([o.ok, o.code, o.authorized], [false, 'CERT_HAS_EXPIRED', false]);
});

test.run();
