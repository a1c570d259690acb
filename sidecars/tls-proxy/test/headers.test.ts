// Which headers http mode passes on (RFC 9110 §7.6.1): hop-by-hop ones and those named in Connection
// stay on their hop both ways, a client's claims about its identity never reach the app, and a request
// with more headers than the limit is refused rather than cut short.
import fc from 'fast-check';
import * as assert from 'uvu/assert';
import { valuesOf, type Recorder } from '../../lib/test-support/smuggling.js';
import { proxyParams, startRawApp, startTestProxy } from './fixtures.js';
import { recordedProxySuite, sendRaw } from './suites.js';

const test = recordedProxySuite('http mode: which headers pass', '0F0B');

const send = sendRaw;
const last = (app: Recorder) => app.requests[app.requests.length - 1]!;
const names = (raw: string[]) => raw.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
const OURS = ['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'x-forwarded-port'];

test('headers named in Connection and the hop-by-hop set never reach the app', async (ctx) => {
  const r = await send(
    ctx,
    [
      'GET /hop HTTP/1.1',
      'Host: localhost',
      'Connection: keep-alive, X-Hop-A, x-hop-b',
      'X-Hop-A: 1',
      'X-HOP-B: 2',
      'Keep-Alive: timeout=5',
      'Proxy-Connection: keep-alive',
      'TE: trailers',
      'Upgrade: websocket',
      'Proxy-Authorization: Basic Zm9vOmJhcg==',
      'Trailer: X-T',
      'X-Kept: yes',
      'Connection: close',
      '',
      '',
    ].join('\r\n'),
  );
  assert.is(r.status, 200);
  assert.equal(names(last(ctx.app).rawHeaders), ['host', 'x-kept', ...OURS]);
});

test('Connection naming Host or Content-Length leaves the Host and the body framing in place', async (ctx) => {
  const r = await send(
    ctx,
    'POST /framing HTTP/1.1\r\nHost: localhost\r\nConnection: Host, Content-Length, close\r\nContent-Length: 5\r\n\r\nhello',
  );
  assert.is(r.status, 200);
  const got = last(ctx.app);
  assert.equal([valuesOf(got, 'host'), valuesOf(got, 'content-length'), got.body.toString()], [['localhost'], ['5'], 'hello']);
});

test("hop-by-hop headers and those named in Connection in the app's response never reach the client", async (ctx) => {
  const response = [
    'HTTP/1.1 200 OK',
    'Connection: X-Hop-R',
    'X-Hop-R: 1',
    'Keep-Alive: timeout=5',
    'Proxy-Authenticate: Basic realm="x"',
    'Proxy-Connection: keep-alive',
    'Trailer: X-T',
    'Upgrade: foo',
    'TE: trailers',
    'X-Kept: yes',
    'Content-Length: 2',
    '',
    'ok',
  ].join('\r\n');
  const raw = await startRawApp(Buffer.from(response));
  const proxy = await startTestProxy(await proxyParams(ctx.cert, raw.port));
  try {
    const r = await send({ ...ctx, proxy }, 'GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    assert.is(r.status, 200);
    const head = r.text
      .slice(0, r.text.indexOf('\r\n\r\n'))
      .toLowerCase()
      .split('\r\n')
      .slice(1)
      .map((l) => l.slice(0, l.indexOf(':')));
    assert.equal(head.filter((n) => n !== 'date').sort(), ['connection', 'content-length', 'x-kept']);
    assert.match(r.text, /\r\nConnection: close\r\n/, "the only Connection header is the proxy's own");
  } finally {
    await proxy.drain();
    await raw.close();
  }
});

const IDENTITY = [
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-host',
  'x-forwarded-port',
  'x-forwarded-server',
  'x-forwarded-prefix',
  'x-forwarded-ssl',
  'x-forwarded-scheme',
  'x-real-ip',
];
/** One of the names above in any case, each hyphen a hyphen or an underscore. */
const spelling = fc
  .constantFrom(...IDENTITY)
  .chain((name) =>
    fc
      .tuple(...[...name].map((ch) => (ch === '-' ? fc.constantFrom('-', '_') : fc.constantFrom(ch, ch.toUpperCase()))))
      .map((cs) => cs.join('')),
  );

test('property: no spelling of a client identity header reaches the app, and the identity headers it gets are ours', async (ctx) => {
  await fc.assert(
    fc.asyncProperty(fc.array(spelling, { minLength: 1, maxLength: 6 }), async (spoofs) => {
      const lines = spoofs.map((n) => `${n}: 6.6.6.6`).join('\r\n');
      const r = await send(ctx, `GET /id HTTP/1.1\r\nHost: localhost\r\n${lines}\r\nConnection: close\r\n\r\n`);
      if (r.status !== 200) return false;
      const raw = last(ctx.app).rawHeaders;
      const identity = raw.flatMap((n, i) => {
        const norm = n.toLowerCase().replace(/_/g, '-');
        return i % 2 === 0 && (IDENTITY.includes(norm) || norm.startsWith('x-forwarded-')) ? [`${n}: ${raw[i + 1]}`] : [];
      });
      assert.equal(identity, [
        'X-Forwarded-For: 127.0.0.1',
        'X-Forwarded-Proto: https',
        'X-Forwarded-Host: localhost',
        `X-Forwarded-Port: ${ctx.proxy.port}`,
      ]);
      return true;
    }),
    { numRuns: 200 },
  );
});

/** A POST with Host, `extra` headers X-N-i, then Content-Length and a 5-byte body. */
const withHeaders = (extra: number) =>
  `POST /many HTTP/1.1\r\nHost: localhost\r\n${Array.from({ length: extra }, (_, i) => `X-N-${i}: ${i}\r\n`).join('')}Content-Length: 5\r\nConnection: close\r\n\r\nhello`;

test('a request with more than 100 headers gets a 431 and nothing reaches the app, though Content-Length comes last', async (ctx) => {
  for (const extra of [99, 150, 1990, 2100]) {
    const before = ctx.app.bytes().length;
    const r = await send(ctx, withHeaders(extra));
    assert.is(r.status, 431, `${extra + 3} headers`);
    assert.is(ctx.app.bytes().length, before);
  }
});

test('a request with exactly 100 headers is forwarded whole, its body included', async (ctx) => {
  const r = await send(ctx, withHeaders(97)); // Host, 97, Content-Length, Connection
  assert.is(r.status, 200);
  const got = last(ctx.app);
  assert.equal([got.body.toString(), got.rawHeaders.length / 2], ['hello', 97 + 2 + OURS.length]);
});

test.run();
