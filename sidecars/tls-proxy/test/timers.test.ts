// The duration parameters take effect as given: the handshake timeout closes a stalled handshake, the
// idle timeout an idle keep-alive connection, and the longest values the parser allows are armed as
// they are instead of overflowing Node's 32-bit timers (which would fire after 1 ms).
import { Agent } from 'node:https';
import { connect } from 'node:net';
import * as assert from 'uvu/assert';
import { parseMetrics } from '../../lib/metrics.js';
import { httpsGet, proxyParams, startTestProxy, tlsOpen } from './fixtures.js';
import { appSuite, type AppCtx } from './suites.js';

const test = appSuite<AppCtx>('timers', { serial: '0707' });

/** Opens a TCP connection, writes bytes, and resolves with how long the proxy took to close it. */
function closedAfter(port: number, bytes: Buffer, limitMs = 5000): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const s = connect(port, '127.0.0.1', () => {
      if (bytes.length) s.write(bytes);
    });
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`still open after ${limitMs}ms`));
    }, limitMs);
    s.on('data', () => {
      /* an alert, if any */
    });
    s.on('error', () => {
      /* a reset counts as closed */
    });
    s.on('close', () => {
      clearTimeout(timer);
      resolve(Date.now() - t0);
    });
  });
}

// A TLS record header for a ClientHello of 0x200 bytes, and only its first few bytes: a handshake that stalls.
const STALLED_HELLO = Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03]);

test('a TLS handshake that starts and then stalls is closed when --handshake-timeout passes, in either mode', async ({
  cert,
  upstream,
}) => {
  for (const mode of ['http', 'tcp']) {
    const proxy = await startTestProxy(await proxyParams(cert, upstream.port, ['--handshake-timeout', '300ms', '--mode', mode]));
    try {
      const ms = await closedAfter(proxy.port, STALLED_HELLO);
      assert.ok(ms >= 250 && ms < 2000, `${mode} mode: closed after ${ms}ms`);
      // A handshake error, not a refused request.
      const m = parseMetrics(proxy.metrics.render());
      assert.equal(
        [m.get('tls_proxy_connections_total{result="handshake_error"}'), m.get('tls_proxy_requests_total{code="4xx"}')],
        [1, undefined],
      );
    } finally {
      await proxy.drain();
    }
  }
});

test('a connection that sends nothing is closed when --handshake-timeout passes', async ({ cert, upstream }) => {
  const proxy = await startTestProxy(await proxyParams(cert, upstream.port, ['--handshake-timeout', '300ms']));
  try {
    const ms = await closedAfter(proxy.port, Buffer.alloc(0));
    assert.ok(ms >= 250 && ms < 2000, `closed after ${ms}ms`);
  } finally {
    await proxy.drain();
  }
});

test('an idle keep-alive connection is closed when --idle-timeout passes, and not before', async ({ pki, cert, upstream }) => {
  const proxy = await startTestProxy(await proxyParams(cert, upstream.port, ['--idle-timeout', '1s']));
  // A raw client: Node's keep-alive Agent would close the socket itself on the server's Keep-Alive hint.
  const s = await tlsOpen(proxy.port, { ca: pki.ca, servername: 'localhost' });
  try {
    const ms = await new Promise<number>((resolve) => {
      let text = '',
        t0 = 0;
      s.setEncoding('latin1').on('data', (c: string) => {
        text += c;
        if (!t0 && text.endsWith('hello from upstream /idle\r\n0\r\n\r\n')) t0 = Date.now(); // the end of the chunked response
      });
      s.on('error', () => {
        /* a reset counts as closed */
      });
      s.on('close', () => resolve(t0 ? Date.now() - t0 : -1));
      s.write('GET /idle HTTP/1.1\r\nHost: localhost\r\n\r\n');
    });
    // Node keeps the socket up to 1 s past the advertised timeout (HTTP_SERVER_KEEP_ALIVE_TIMEOUT_BUFFER).
    assert.ok(ms >= 900 && ms < 3000, `closed after ${ms}ms idle`);
  } finally {
    s.destroy();
    await proxy.drain();
  }
});

test('the longest timeouts allowed (596h) are armed as given: no timer overflow, and requests are served', async ({
  pki,
  cert,
  upstream,
}) => {
  const overflows: Error[] = [];
  const onWarning = (w: Error) => {
    if (w.name === 'TimeoutOverflowWarning') overflows.push(w);
  };
  process.on('warning', onWarning);
  const proxy = await startTestProxy(await proxyParams(cert, upstream.port, ['--handshake-timeout', '596h', '--idle-timeout', '596h']));
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    for (const path of ['/one', '/two']) assert.is((await httpsGet(proxy.port, pki.ca, path, { agent })).status, 200);
    // Warnings are emitted on the next tick: let one pass before looking.
    await new Promise((r) => setImmediate(r));
    assert.equal(
      overflows.map((w) => w.message),
      [],
    );
  } finally {
    process.off('warning', onWarning);
    agent.destroy();
    await proxy.drain();
  }
});

test.run();
