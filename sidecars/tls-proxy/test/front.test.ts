import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { createSecureContext } from 'node:tls';
import * as assert from 'uvu/assert';
import { parseMetrics } from '../../lib/metrics.js';
import { listenNative, plainAnswer } from '../../lib/dataplane/index.js';
import { httpsGet, within, type Proxy } from './fixtures.js';
import { appSuite, type AppCtx } from './suites.js';

interface Ctx extends AppCtx {
  reject: Proxy;
  redirect: Proxy;
}
const test = appSuite<Ctx>('front', {
  serial: '0F01',
  // The handshake timeout is the default 10s: a prompt answer cannot be the timeout firing.
  proxies: { reject: [], redirect: ['--plain-http', 'redirect'] },
});

const BODY_400 = 'This port speaks HTTPS. Plain HTTP is not served here: use https:// instead.\n';
const ANSWER_400 = `HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: ${BODY_400.length}\r\nConnection: close\r\n\r\n${BODY_400}`;

/** Sends raw bytes to 127.0.0.1:port; resolves with everything received once the server closes, and how long that took. */
function exchange(port: number, bytes: string | Buffer, limitMs = 3000): Promise<{ text: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const s = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`no close within ${limitMs}ms`));
    }, limitMs);
    s.on('data', (c) => chunks.push(c));
    s.on('error', reject);
    s.on('close', () => {
      clearTimeout(timer);
      resolve({ text: Buffer.concat(chunks).toString('latin1'), ms: Date.now() - t0 });
    });
    s.on('end', () => s.end());
    if (bytes.length) s.write(bytes);
  });
}

test('plainAnswer rejects with a 400 that says to use https', () => {
  assert.is(plainAnswer(Buffer.from('GET / HTTP/1.1\r\nHost: example.com\r\n\r\n'), 'reject'), ANSWER_400);
});

test('plainAnswer redirects to the same host and path over https with a 308', () => {
  assert.is(
    plainAnswer(Buffer.from('GET /a/b?c=1 HTTP/1.1\r\nUser-Agent: x\r\nHOST: example.com:8443\r\n\r\n'), 'redirect'),
    'HTTP/1.1 308 Permanent Redirect\r\nLocation: https://example.com:8443/a/b?c=1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n',
  );
  assert.match(
    plainAnswer(Buffer.from('POST /x HTTP/1.0\nHost: [::1]:8443\n\n'), 'redirect'),
    /^HTTP\/1\.1 308 .*\r\nLocation: https:\/\/\[::1\]:8443\/x\r\n/s,
  );
});

test('plainAnswer answers 400 instead of redirecting when there is no Host, a hostile Host or no request line', () => {
  const cases = [
    'GET /x HTTP/1.1\r\n\r\n',
    'GET /x HTTP/1.1\r\nHost: evil.example/phish\r\n\r\n',
    'GET /x HTTP/1.1\r\nHost: a@evil.example\r\n\r\n',
    'GET /x HTTP/1.1\r\nHost: a b\r\n\r\n',
    'GET http://evil.example/ HTTP/1.1\r\nHost: ok.example\r\n\r\n',
    'SSH-2.0-OpenSSH_9.6\r\n',
  ];
  for (const head of cases) assert.is(plainAnswer(Buffer.from(head), 'redirect'), ANSWER_400, JSON.stringify(head));
});

test('plain HTTP sent to the TLS port gets the 400 promptly, well before the handshake timeout', async ({ reject }) => {
  const before = parseMetrics(reject.metrics.render()).get('tls_proxy_connections_total{result="plain_http"}') ?? 0;
  const r = await exchange(reject.port, 'GET /orders HTTP/1.1\r\nHost: localhost\r\n\r\n');
  assert.is(r.text, ANSWER_400);
  assert.ok(r.ms < 1000, `answered in ${r.ms}ms`);
  assert.is(parseMetrics(reject.metrics.render()).get('tls_proxy_connections_total{result="plain_http"}'), before + 1);
});

test('with plain-http redirect, plain HTTP gets a 308 to https://host/path', async ({ redirect }) => {
  const host = `localhost:${redirect.port}`;
  const r = await exchange(redirect.port, `GET /orders?id=7 HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
  assert.is(
    r.text,
    `HTTP/1.1 308 Permanent Redirect\r\nLocation: https://${host}/orders?id=7\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`,
  );
  assert.ok(r.ms < 1000, `answered in ${r.ms}ms`);
});

test('TLS on the same port still works next to the plain-HTTP answer', async ({ pki, redirect }) => {
  const r = await httpsGet(redirect.port, pki.ca, '/tls');
  assert.is(r.status, 200);
  assert.is(r.body, 'hello from upstream /tls');
});

/** A native front serving the suite's certificate, that counts what it was told. */
function nativeFront(ctx: Ctx, handshakeTimeoutMs: number) {
  const told = { plain: 0, errors: [] as string[], secure: 0 };
  const secureContext = createSecureContext({ cert: readFileSync(ctx.cert.cert), key: readFileSync(ctx.cert.key) }).context;
  const listener = listenNative('127.0.0.1', 0, {
    handshakeTimeoutMs,
    plainHttp: 'reject',
    tls: () => ({ secureContext }),
    secure: () => void told.secure++,
    onPlain: () => void told.plain++,
    onHandshakeError: (e) => void told.errors.push(e.message),
    opened() {},
    closed() {},
  });
  return { listener, told };
}

/** Milliseconds from connecting until the server ends the connection, by a close or a reset. */
function closedAfter(s: Socket, t0: number): Promise<number> {
  return new Promise((resolve) => {
    s.on('error', () => {});
    s.once('close', () => resolve(Date.now() - t0));
  });
}

test('a connection that sends nothing is cut when the handshake timeout passes', async (ctx) => {
  const { listener, told } = nativeFront(ctx, 150);
  try {
    const s = connect(listener.port, '127.0.0.1');
    const ms = await within(5000, 'the cut', closedAfter(s, Date.now()));
    assert.ok(ms >= 140 && ms < 1500, `cut after ${ms}ms`);
    assert.equal(told, { plain: 0, errors: [], secure: 0 });
  } finally {
    listener.stop(true);
  }
});

test('a ClientHello trickled a byte at a time is cut at the handshake deadline, which the bytes do not extend', async (ctx) => {
  const { listener, told } = nativeFront(ctx, 400);
  const s = connect(listener.port, '127.0.0.1');
  const t0 = Date.now();
  // A TLS record header, then a byte every 50 ms: never a whole ClientHello.
  s.write(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00]));
  const drip = setInterval(() => s.writable && s.write(Buffer.from([1])), 50);
  try {
    const ms = await within(5000, 'the cut', closedAfter(s, t0));
    assert.ok(ms >= 390 && ms < 2000, `cut after ${ms}ms`);
    assert.equal(told, { plain: 0, errors: ['TLS handshake timeout'], secure: 0 });
  } finally {
    clearInterval(drip);
    s.destroy();
    listener.stop(true);
  }
});

test.run();
