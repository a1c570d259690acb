import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseMetrics } from '../../lib/metrics.js';
import { freePort, makePki, proxyParams, startTestProxy, tlsOpen, until, type Issued, type Pki, type Proxy } from './fixtures.js';

interface Ctx {
  pki: Pki;
  cert: Issued;
  echo: Server;
  received: Buffer[];
  conns: Set<Socket>;
  proxy: Proxy;
}
const test = suite<Ctx>('tcp mode', {} as Ctx);

test.before(async (ctx) => {
  ctx.pki = makePki();
  ctx.cert = ctx.pki.issue('server', '0E01');
  ctx.conns = new Set();
  // A raw TCP upstream that records what it receives and echoes it back.
  ctx.echo = createServer((s) => {
    ctx.conns.add(s);
    s.on('close', () => ctx.conns.delete(s));
    s.on('data', (c) => {
      ctx.received.push(c);
      s.write(c);
    });
    s.on('end', () => s.end());
  });
  await new Promise<void>((r) => ctx.echo.listen(0, '127.0.0.1', r));
  ctx.proxy = await startTestProxy(await proxyParams(ctx.cert, (ctx.echo.address() as AddressInfo).port, ['--mode', 'tcp']));
});
test.before.each((ctx) => {
  ctx.received = [];
});
test.after(async (ctx) => {
  await ctx.proxy?.drain();
  for (const s of ctx.conns ?? []) s.destroy();
  await new Promise((r) => ctx.echo?.close(r));
  ctx.pki?.cleanup();
});

/** Writes bytes over TLS and collects n bytes of answer. */
function roundTrip(s: TLSSocket, bytes: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => reject(new Error(`only ${Buffer.concat(chunks).length}/${bytes.length} bytes came back`)), 3000);
    s.on('data', (c: Buffer) => {
      chunks.push(c);
      if (Buffer.concat(chunks).length >= bytes.length) {
        clearTimeout(timer);
        resolve(Buffer.concat(chunks));
      }
    });
    s.write(bytes);
  });
}

test('an HTTP request reaches the upstream byte for byte: no X-Forwarded headers added, the client ones kept', async (ctx) => {
  const s = await tlsOpen(ctx.proxy.port, { ca: ctx.pki.ca, servername: 'localhost' });
  try {
    const req = Buffer.from('GET /raw HTTP/1.1\r\nHost: localhost\r\nX-Forwarded-For: 6.6.6.6\r\n\r\n');
    const back = await roundTrip(s, req);
    assert.equal(Buffer.concat(ctx.received), req);
    assert.equal(back, req);
    assert.not.match(Buffer.concat(ctx.received).toString(), /x-forwarded-proto/i);
  } finally {
    s.destroy();
  }
});

test('every byte value passes through unchanged in both directions', async (ctx) => {
  const s = await tlsOpen(ctx.proxy.port, { ca: ctx.pki.ca, servername: 'localhost' });
  try {
    const all = Buffer.alloc(256 * 64);
    for (let i = 0; i < all.length; i++) all[i] = i % 256;
    const back = await roundTrip(s, all);
    assert.ok(Buffer.concat(ctx.received).equals(all), 'upstream got the exact bytes');
    assert.ok(back.equals(all), 'client got the exact bytes back');
  } finally {
    s.destroy();
  }
});

test('tcp mode offers no ALPN protocol', async (ctx) => {
  const s = await tlsOpen(ctx.proxy.port, { ca: ctx.pki.ca, servername: 'localhost', ALPNProtocols: ['http/1.1'] });
  assert.is(s.alpnProtocol, false);
  s.destroy();
});

test('when the upstream is down the TLS connection is closed and counted as an upstream error', async (ctx) => {
  const proxy = await startTestProxy(await proxyParams(ctx.cert, await freePort(), ['--mode', 'tcp']));
  try {
    const s = await tlsOpen(proxy.port, { ca: ctx.pki.ca, servername: 'localhost' });
    let closed = false;
    s.on('close', () => {
      closed = true;
    });
    s.on('error', () => {
      /* a reset is fine: the point is that it closes */
    });
    s.resume();
    await until('the client connection to close', () => closed);
    assert.is(parseMetrics(proxy.metrics.render()).get('tls_proxy_upstream_errors_total'), 1);
    assert.equal(await proxy.ready(), { ready: false, reason: `upstream 127.0.0.1:${proxy.params.upstreamPort}: ECONNREFUSED` });
  } finally {
    await proxy.drain();
  }
});

test.run();
