import { connect, type AddressInfo, type Server, type Socket } from 'node:net';
import * as assert from 'uvu/assert';
import { parseMetrics } from '../../lib/metrics.js';
import { createFront, plainAnswer } from '../../lib/dataplane/index.js';
import { httpsGet, until, type Proxy } from './fixtures.js';
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

async function listen(server: Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
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

test('a connection whose first byte is a TLS record is handed over with that byte still unread', async () => {
  let handed: Socket | undefined;
  let plain = 0;
  const front = createFront({
    handshakeTimeoutMs: 5000,
    plainHttp: 'reject',
    tls: (s) => {
      handed = s;
    },
    onPlain: () => plain++,
  });
  const port = await listen(front);
  const client = connect(port, '127.0.0.1');
  try {
    const hello = Buffer.from([0x16, 0x03, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5]);
    client.write(hello);
    await until('the hello handed to the TLS side', () => Boolean(handed), 2000, 10);
    assert.ok(handed, 'handed to the TLS side');
    const got = await new Promise<Buffer>((resolve) => {
      const chunks: Buffer[] = [];
      handed!.on('data', (c: Buffer) => {
        chunks.push(c);
        if (Buffer.concat(chunks).length >= hello.length) resolve(Buffer.concat(chunks));
      });
      handed!.resume();
    });
    assert.equal([...got], [...hello]);
    assert.is(plain, 0);
  } finally {
    client.destroy();
    handed?.destroy();
    await new Promise((r) => front.close(r));
  }
});

test('a connection that sends nothing is closed when the handshake timeout passes', async () => {
  const front = createFront({
    handshakeTimeoutMs: 150,
    plainHttp: 'reject',
    tls: () => assert.unreachable('no TLS'),
    onPlain: () => assert.unreachable('no plain'),
  });
  const port = await listen(front);
  try {
    const r = await exchange(port, '');
    assert.is(r.text, '');
    assert.ok(r.ms >= 140 && r.ms < 1500, `closed after ${r.ms}ms`);
  } finally {
    await new Promise((r) => front.close(r));
  }
});

test.run();
