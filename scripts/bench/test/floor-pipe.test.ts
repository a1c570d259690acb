// The mesh floor (scripts/bench/floor/pipe.mjs --client-ca) refuses what mesh-proxy's inbound side refuses, so that
// the bench compares the two doing the same work: a client certificate from another CA, an expired one, and none
// never reach the app; one from the CA does, with X-Forwarded-* added.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { makePki, type Issued, type Pki } from '../../../sidecars/lib/test-support/pki.js';
import { freePort, until, within } from '../../../sidecars/lib/test-support/wait.js';
import { ROOT } from '../../lib/config.js';

interface Ctx {
  pki: Pki;
  foreign: Pki;
  clients: Record<'trusted' | 'foreign' | 'expired', Issued>;
  app: Server;
  seen: IncomingHttpHeaders[];
  pipe: ChildProcess;
  port: number;
}

const test = suite<Ctx>('the mesh floor relay with --client-ca');

test.before(async (c) => {
  c.pki = makePki();
  c.foreign = makePki();
  const server = c.pki.issue('server', '0c01', 'ec', { peer: true });
  c.clients = {
    trusted: c.pki.issue('client', '0c02', 'ec', { peer: true }),
    foreign: c.foreign.issue('client', '0c03', 'ec', { peer: true }),
    expired: c.pki.issue('old', '0c04', 'ec', { peer: true, days: -1 }),
  };
  const identity = join(c.pki.dir, 'identity');
  mkdirSync(identity);
  copyFileSync(server.cert, join(identity, 'tls.crt'));
  copyFileSync(server.key, join(identity, 'tls.key'));
  c.seen = [];
  c.app = createServer((req, res) => {
    c.seen.push(req.headers);
    res.end('from the app');
  }).listen(0, '127.0.0.1');
  await once(c.app, 'listening');
  const app = (c.app.address() as { port: number }).port;
  c.port = await freePort();
  const argv = [join(ROOT, 'scripts', 'bench', 'floor', 'pipe.mjs'), '--listen', String(c.port), '--cert', identity];
  c.pipe = spawn(
    join(ROOT, 'node_modules', '.bin', 'bun'),
    [...argv, '--client-ca', c.pki.caFile, '--to', `127.0.0.1:${app}`, '--rewrite'],
    {
      stdio: 'ignore',
    },
  );
  await until('the floor to listen', () => answers(c.port), 10_000, 50);
});
test.after(async (c) => {
  c.pipe.kill('SIGTERM');
  if (c.pipe.exitCode === null && c.pipe.signalCode === null) await once(c.pipe, 'exit');
  c.app.close();
  c.pki.cleanup();
  c.foreign.cleanup();
});
test.before.each((c) => {
  c.seen.length = 0;
});

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port, rejectUnauthorized: false });
    s.on('secureConnect', () => (s.destroy(), resolve(true)));
    s.on('error', () => resolve(false));
  });
}

/** One GET over TLS with the given client certificate (or none); what came back by the time the connection closed. */
async function get(c: Ctx, client: Issued | undefined): Promise<string> {
  const s = connect({
    host: '127.0.0.1',
    port: c.port,
    ca: c.pki.ca,
    servername: 'localhost',
    ...(client ? { cert: readFileSync(client.cert), key: readFileSync(client.key) } : {}),
  });
  let got = '';
  s.setEncoding('latin1');
  s.on('data', (d: string) => {
    got += d;
    if (got.endsWith('from the app')) s.end();
  });
  s.on('error', () => {});
  s.on('secureConnect', () => s.write('GET / HTTP/1.1\r\nHost: app\r\nConnection: close\r\n\r\n'));
  // Not events.once: a refused handshake emits 'error' before 'close', which would reject it.
  await within(5000, 'the connection to close', new Promise((r) => s.once('close', r)));
  return got;
}

test('a client certificate from the CA reaches the app, with X-Forwarded-For added', async (c) => {
  assert.match(await get(c, c.clients.trusted), /^HTTP\/1\.1 200 [\s\S]*from the app$/);
  assert.is(c.seen.length, 1);
  assert.is(c.seen[0]!['x-forwarded-for'], '127.0.0.1');
});

for (const [what, key] of [
  ['a client certificate from another CA', 'foreign'],
  ['an expired client certificate', 'expired'],
] as const)
  test(`${what} never reaches the app`, async (c) => {
    assert.is(await get(c, c.clients[key]), '');
    assert.is(c.seen.length, 0);
  });

test('no client certificate never reaches the app', async (c) => {
  assert.is(await get(c, undefined), '');
  assert.is(c.seen.length, 0);
});

test.run();
