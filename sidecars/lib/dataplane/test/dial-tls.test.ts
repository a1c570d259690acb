// dialTls (native-conn.ts): a client TLS connection on Bun's native sockets that sends nothing until the
// server's certificate has chained to the trusted CA and passed the caller's check, whatever name or
// address the server was reached by.
import { readFileSync } from 'node:fs';
import { createSecureContext, createServer, type Server } from 'node:tls';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { makePki, type Issued, type Pki } from '../../test-support/pki.js';
import { until, within } from '../../test-support/wait.js';
import { dialTls } from '../dial-tls.js';
import type { NativeConn, PeerCertificate } from '../native-conn.js';

interface Ctx {
  pki: Pki;
  foreign: Pki;
  client: Issued;
  server?: Server;
  /** What the server read, per connection whose handshake it completed. */
  read: string[];
  /** TCP connections the server accepted. */
  accepted: number;
}

const test = suite<Ctx>('dialTls');

test.before((c) => {
  c.pki = makePki();
  c.foreign = makePki();
  c.client = c.pki.issue('client', '0c01', 'ec', { peer: true });
});
test.after((c) => {
  c.pki.cleanup();
  c.foreign.cleanup();
});
test.before.each((c) => {
  c.read = [];
  c.accepted = 0;
});
test.after.each((c) => {
  c.server?.close();
});

const pair = (i: Issued) => ({ cert: readFileSync(i.cert), key: readFileSync(i.key) });

/** A TLS server with this certificate on 127.0.0.2 (an address it does not name), recording what it reads. */
async function serve(c: Ctx, cert: Issued, ca: Buffer): Promise<number> {
  c.server = createServer({ ...pair(cert), ca }, (s) => {
    const i = c.read.push('') - 1;
    s.on('data', (d: Buffer) => {
      c.read[i] += d.toString();
    });
    s.on('error', () => {});
  });
  c.server.on('connection', () => c.accepted++);
  await new Promise<void>((r) => c.server!.listen(0, '127.0.0.2', () => r()));
  return (c.server.address() as { port: number }).port;
}

/** Dials with the client's identity, writes at once, and resolves with how the connection ended or opened. */
function dialAndWrite(
  c: Ctx,
  port: number,
  check: (p: PeerCertificate) => Error | undefined,
): { conn: NativeConn; ended: Promise<string> } {
  const secureContext = createSecureContext({ ...pair(c.client), ca: c.pki.ca }).context;
  const conn = dialTls('127.0.0.2', port, secureContext, check);
  const events: string[] = [];
  const ended = new Promise<string>((r) => {
    conn.on('error', (e: Error) => events.push(`error: ${e.message}`));
    conn.on('close', () => r([...events, 'close'].join(', ')));
  });
  conn.write('GET / HTTP/1.1\r\n\r\n');
  return { conn, ended };
}

test('bytes written before the handshake reach a server that passes the check, by an address its certificate does not name', async (c) => {
  const port = await serve(c, c.pki.issue('server', '0c02', 'ec', { peer: true }), c.pki.ca);
  const seen: PeerCertificate[] = [];
  const { conn } = dialAndWrite(c, port, (p) => {
    seen.push(p);
    return undefined;
  });
  await until('the server read the request', () => c.read[0] === 'GET / HTTP/1.1\r\n\r\n');
  conn.destroy();
  assert.equal(seen, [{ authorized: false, subjectAltName: 'DNS:localhost, IP Address:127.0.0.1' }]);
});

test("a server the check refuses reads no byte, and the connection ends with the check's error", async (c) => {
  const port = await serve(c, c.pki.issue('server', '0c03', 'ec', { peer: true }), c.pki.ca);
  const { ended } = dialAndWrite(c, port, () => new Error('not the destination'));
  assert.is(await within(5000, 'the connection to end', ended), 'error: not the destination, close');
  assert.is(c.accepted, 1);
  assert.ok(
    c.read.every((r) => r === ''),
    JSON.stringify(c.read),
  );
});

test('a server of another CA is refused without asking the check, and reads no byte', async (c) => {
  const port = await serve(c, c.foreign.issue('stranger', '0d01', 'ec', { peer: true }), c.foreign.ca);
  let asked = 0;
  const { ended } = dialAndWrite(c, port, () => {
    asked++;
    return undefined;
  });
  const how = await within(5000, 'the connection to end', ended);
  assert.match(how, /^error: .+, close$/);
  assert.is(asked, 0);
  assert.is(c.accepted, 1);
  assert.ok(
    c.read.every((r) => r === ''),
    JSON.stringify(c.read),
  );
});

test('an expired server certificate of the trusted CA is refused without asking the check, and reads no byte', async (c) => {
  const port = await serve(c, c.pki.issue('expired-server', '0c04', 'ec', { peer: true, days: -1 }), c.pki.ca);
  let asked = 0;
  const { ended } = dialAndWrite(c, port, () => {
    asked++;
    return undefined;
  });
  assert.match(await within(5000, 'the connection to end', ended), /^error: .*expired.*, close$/);
  assert.is(asked, 0);
  assert.is(c.accepted, 1);
  assert.ok(
    c.read.every((r) => r === ''),
    JSON.stringify(c.read),
  );
});

test.run();
