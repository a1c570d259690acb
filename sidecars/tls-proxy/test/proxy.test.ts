import { Agent, request } from 'node:https';
import * as assert from 'uvu/assert';
import { parseMetrics } from '../../lib/metrics.js';
import { forwardedHeaders } from '../src/http-proxy.js';
import { freePort, httpsGet, makePki, proxyParams, startTestProxy, within, type Proxy } from './fixtures.js';
import { appSuite, type AppCtx } from './suites.js';

interface Ctx extends AppCtx {
  proxy: Proxy;
  hsts: Proxy;
}
const test = appSuite<Ctx>('http mode', {
  serial: '0C01',
  app: () => (req, res) => {
    if (req.url === '/echo') {
      let body = '';
      req
        .setEncoding('utf8')
        .on('data', (c) => (body += c))
        .on('end', () => res.writeHead(201, { 'x-app': 'legacy' }).end(`${req.method} ${body}`));
      return;
    }
    if (req.url === '/dies-mid-body') {
      res.writeHead(200, { 'content-length': '100' });
      res.write('first part ');
      setTimeout(() => res.socket?.destroy(), 50);
      return;
    }
    if (req.url === '/missing') return void res.writeHead(404).end('no such page');
    res.writeHead(200, { 'content-type': 'text/plain' }).end(`hello from upstream ${req.url}`);
  },
  proxies: { proxy: [], hsts: ['--hsts', '--hsts-max-age', '600'] },
});
test.before.each(({ upstream }) => {
  upstream.seen.length = 0;
});

const metric = (p: Proxy, name: string) => parseMetrics(p.metrics.render()).get(name) ?? 0;

test('HTTPS through the proxy returns the upstream body, with a certificate that verifies against the CA', async ({ pki, proxy }) => {
  const r = await httpsGet(proxy.port, pki.ca, '/orders/42');
  assert.is(r.status, 200);
  assert.is(r.body, 'hello from upstream /orders/42');
  assert.is(r.headers['content-type'], 'text/plain');
  assert.is(r.serial, '0C01');
  assert.is(r.socket.authorized, true);
});

test('a client that trusts another CA only cannot connect, so the verification above is real', async ({ proxy }) => {
  const other = makePki();
  try {
    await httpsGet(proxy.port, other.ca, '/');
    assert.unreachable('should fail verification');
  } catch (e) {
    assert.is((e as NodeJS.ErrnoException).code, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  } finally {
    other.cleanup();
  }
});

test('the upstream is told X-Forwarded-Proto https and X-Forwarded-For 127.0.0.1, with host and port', async ({ pki, proxy, upstream }) => {
  await httpsGet(proxy.port, pki.ca, '/', { headers: { host: `localhost:${proxy.port}` } });
  assert.is(upstream.seen.length, 1);
  const h = upstream.seen[0]!;
  assert.is(h['x-forwarded-proto'], 'https');
  assert.is(h['x-forwarded-for'], '127.0.0.1');
  assert.is(h['x-forwarded-host'], `localhost:${proxy.port}`);
  assert.is(h['x-forwarded-port'], String(proxy.port));
  assert.is(h.host, `localhost:${proxy.port}`);
});

test('client-sent X-Forwarded-* headers are replaced, not passed on', async ({ pki, proxy, upstream }) => {
  await httpsGet(proxy.port, pki.ca, '/', {
    headers: { 'X-Forwarded-For': '6.6.6.6', 'X-Forwarded-Proto': 'http', 'X-Forwarded-Port': '1', 'X-Custom': 'kept' },
  });
  const h = upstream.seen[0]!;
  assert.is(h['x-forwarded-for'], '127.0.0.1');
  assert.is(h['x-forwarded-proto'], 'https');
  assert.is(h['x-forwarded-port'], String(proxy.port));
  assert.is(h['x-custom'], 'kept');
});

test('forwardedHeaders drops hop-by-hop headers and unwraps IPv4-mapped IPv6 client addresses', () => {
  const out = forwardedHeaders(
    {
      host: 'app.example',
      connection: 'keep-alive',
      'keep-alive': 'timeout=5',
      te: 'trailers',
      upgrade: 'h2c',
      'x-forwarded-for': '6.6.6.6, 7.7.7.7',
      'x-forwarded-host': 'evil.example',
      accept: 'text/html',
    },
    '::ffff:10.0.0.9',
    8443,
  );
  assert.equal(out, {
    host: 'app.example',
    accept: 'text/html',
    'x-forwarded-for': '10.0.0.9',
    'x-forwarded-proto': 'https',
    'x-forwarded-host': 'app.example',
    'x-forwarded-port': '8443',
  });
});

test('the method, request body, status and response headers pass through both ways', async ({ pki, proxy }) => {
  const r = await new Promise<{ status: number; app: unknown; body: string }>((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: proxy.port, servername: 'localhost', ca: pki.ca, method: 'PUT', path: '/echo', agent: false },
      (res) => {
        let body = '';
        res
          .setEncoding('utf8')
          .on('data', (c) => (body += c))
          .on('end', () => resolve({ status: res.statusCode!, app: res.headers['x-app'], body }));
      },
    );
    req.on('error', reject);
    req.end('{"qty":3}');
  });
  assert.equal(r, { status: 201, app: 'legacy', body: 'PUT {"qty":3}' });
});

test('requests are counted by status class', async ({ pki, proxy }) => {
  const ok = metric(proxy, 'tls_proxy_requests_total{code="2xx"}');
  const notFound = metric(proxy, 'tls_proxy_requests_total{code="4xx"}');
  const timed = metric(proxy, 'tls_proxy_request_duration_seconds_count');
  assert.is((await httpsGet(proxy.port, pki.ca, '/missing')).status, 404);
  await httpsGet(proxy.port, pki.ca, '/a');
  await httpsGet(proxy.port, pki.ca, '/b');
  assert.is(metric(proxy, 'tls_proxy_requests_total{code="2xx"}'), ok + 2);
  assert.is(metric(proxy, 'tls_proxy_requests_total{code="4xx"}'), notFound + 1);
  assert.is(metric(proxy, 'tls_proxy_request_duration_seconds_count'), timed + 3);
});

test('Strict-Transport-Security is added only when --hsts is on, with the configured max-age', async ({ pki, proxy, hsts }) => {
  assert.is((await httpsGet(hsts.port, pki.ca, '/')).headers['strict-transport-security'], 'max-age=600');
  assert.is((await httpsGet(proxy.port, pki.ca, '/')).headers['strict-transport-security'], undefined);
});

test('ready() is true while the upstream accepts connections', async ({ proxy }) => {
  assert.equal(await proxy.ready(), { ready: true });
});

test('when the upstream is down the client gets a 502 and ready() names the upstream', async ({ pki, cert }) => {
  const deadPort = await freePort();
  const proxy = await startTestProxy(await proxyParams(cert, deadPort));
  try {
    const r = await httpsGet(proxy.port, pki.ca, '/anything');
    assert.is(r.status, 502);
    assert.is(r.body, 'bad gateway: the app behind this TLS proxy did not answer\n');
    assert.is(r.headers.connection, 'close');
    assert.is(metric(proxy, 'tls_proxy_upstream_errors_total'), 1);
    assert.is(metric(proxy, 'tls_proxy_requests_total{code="5xx"}'), 1);
    assert.equal(await proxy.ready(), { ready: false, reason: `upstream 127.0.0.1:${deadPort}: ECONNREFUSED` });
  } finally {
    await proxy.drain();
  }
});

test('an upstream that dies mid-body makes the proxy cut the client instead of leaving it waiting', async ({ pki, proxy }) => {
  const t0 = Date.now();
  const agent = new Agent();
  try {
    await within(2000, 'the cut-off response', httpsGet(proxy.port, pki.ca, '/dies-mid-body', { agent }));
    assert.unreachable('the response must not complete');
  } catch (e) {
    assert.is((e as NodeJS.ErrnoException).code, 'ECONNRESET', (e as Error).message);
    assert.ok(Date.now() - t0 < 2000);
  } finally {
    agent.destroy();
  }
});

test('every series the proxies made carries only the labels its metric declares', ({ proxy, hsts }) => {
  assert.ok(metric(proxy, 'tls_proxy_requests_total{code="2xx"}') > 0, 'the tests above made requests');
  assert.equal(proxy.metrics.undeclaredLabels(), []);
  assert.equal(hsts.metrics.undeclaredLabels(), []);
});

test.run();
