import { Agent, request } from 'node:https';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import * as assert from 'uvu/assert';
import { httpsGet, proxyParams, startTestProxy, until, type Proxy } from './fixtures.js';
import { appSuite, type AppCtx } from './suites.js';

interface Ctx extends AppCtx {
  proxy: Proxy;
  connections: number;
}
const test = appSuite<Ctx>('http mode: connections to the app', {
  serial: '0E0E',
  app: () => (req, res) => {
    if (req.url === '/chunked') {
      res.writeHead(200, { 'content-type': 'text/plain' }); // no length: Node's server sends chunks
      res.write('one, ');
      setTimeout(() => res.end('two'), 20);
      return;
    }
    if (req.url === '/upload') {
      let body = '';
      req
        .setEncoding('utf8')
        .on('data', (c) => (body += c))
        .on('end', () => res.end(`${req.headers['transfer-encoding']}:${body}`));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain', 'x-seen': req.method ?? '' }).end(`hello ${req.url}`);
  },
  async setup(ctx) {
    ctx.upstream.server.on('connection', () => {
      ctx.connections++;
    });
  },
  proxies: { proxy: [] },
});
test.before.each((ctx) => {
  ctx.connections = 0;
});

test('sequential requests reuse one connection to the app', async (ctx) => {
  const { pki, proxy, upstream } = ctx;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    for (const path of ['/a', '/b', '/c']) assert.is((await httpsGet(proxy.port, pki.ca, path, { agent })).body, `hello ${path}`);
    // Positive control: three requests did reach the app, over a single connection.
    assert.is(upstream.seen.length, 3);
  } finally {
    agent.destroy();
  }
  assert.is(ctx.connections, 1);
});

test('a chunked response from the app reaches the client whole', async ({ pki, proxy }) => {
  const r = await httpsGet(proxy.port, pki.ca, '/chunked');
  assert.is(r.status, 200);
  assert.is(r.body, 'one, two');
  assert.is(r.headers['content-type'], 'text/plain');
});

test('a chunked request body reaches the app whole, re-chunked', async ({ pki, proxy }) => {
  const body = await new Promise<string>((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: proxy.port, servername: 'localhost', ca: pki.ca, method: 'POST', path: '/upload', agent: false },
      (res) => {
        let b = '';
        res
          .setEncoding('utf8')
          .on('data', (c) => (b += c))
          .on('end', () => resolve(b));
      },
    );
    req.on('error', reject);
    req.write('part one, ');
    setTimeout(() => req.end('part two'), 20); // no length given: Node's client sends chunks
  });
  assert.is(body, 'chunked:part one, part two');
});

test('HEAD gets the headers and no body, and the next request on the connection still works', async ({ pki, proxy }) => {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const head = await new Promise<{ status: number; seen: string | undefined; body: string }>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: proxy.port, servername: 'localhost', ca: pki.ca, method: 'HEAD', path: '/h', agent },
        (res) => {
          let b = '';
          res
            .on('data', (c) => (b += c))
            .on('end', () => resolve({ status: res.statusCode!, seen: res.headers['x-seen'] as string, body: b }));
        },
      );
      req.on('error', reject);
      req.end();
    });
    assert.equal(head, { status: 200, seen: 'HEAD', body: '' });
    assert.is((await httpsGet(proxy.port, pki.ca, '/after', { agent })).body, 'hello /after');
  } finally {
    agent.destroy();
  }
});

test('a kept-alive connection the app has since closed is replaced, not answered with a 502', async ({ pki, proxy, upstream }) => {
  assert.is((await httpsGet(proxy.port, pki.ca, '/first')).status, 200);
  upstream.server.closeIdleConnections(); // what an app's keep-alive timeout does
  const open = () => new Promise<number>((r) => upstream.server.getConnections((_e, n) => r(n)));
  await until('the app to have closed its kept-alive connection', async () => (await open()) === 0, 5000, 10);
  const r = await httpsGet(proxy.port, pki.ca, '/second');
  assert.is(r.status, 200);
  assert.is(r.body, 'hello /second');
});

/** A raw app whose first connection answers one request, then drops the next one unanswered: the race
 * of an app closing a kept-alive connection just as the proxy reuses it. Later connections answer. */
async function droppingApp(): Promise<{ port: number; connections: () => number; close: () => void }> {
  let n = 0;
  const sockets: Socket[] = [];
  const server = createServer((s) => {
    const id = ++n;
    sockets.push(s);
    let requests = 0;
    s.on('data', (d) => {
      if (!d.includes('\r\n\r\n')) return;
      requests++;
      if (id === 1 && requests === 2) return void s.destroy();
      s.write(`HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\nconn ${id}\n`);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => n,
    close: () => {
      sockets.forEach((s) => s.destroy());
      server.close();
    },
  };
}

test('a reused connection the app drops unanswered is retried once on a new one, for a request without a body', async ({ pki, cert }) => {
  const app = await droppingApp();
  const proxy = await startTestProxy(await proxyParams(cert, app.port));
  try {
    assert.is((await httpsGet(proxy.port, pki.ca, '/one')).body, 'conn 1\n');
    const second = await httpsGet(proxy.port, pki.ca, '/two');
    assert.is(second.status, 200);
    assert.is(second.body, 'conn 2\n');
    assert.is(app.connections(), 2);
  } finally {
    await proxy.drain();
    app.close();
  }
});

/** The status of one POST to the proxy over a fresh connection, with the body given (none: no body at all). */
function post(proxy: Proxy, ca: Buffer, body?: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const headers = body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) };
    const req = request(
      { host: '127.0.0.1', port: proxy.port, servername: 'localhost', ca, method: 'POST', path: '/two', agent: false, headers },
      (res) => {
        res.resume();
        resolve(res.statusCode!);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

test('a POST without a body is not retried either (RFC 9110 §9.2.2: not idempotent): the dropped exchange is a 502', async ({
  pki,
  cert,
}) => {
  const app = await droppingApp();
  const proxy = await startTestProxy(await proxyParams(cert, app.port));
  try {
    assert.is((await httpsGet(proxy.port, pki.ca, '/one')).status, 200);
    assert.is(await post(proxy, pki.ca), 502);
    assert.is(app.connections(), 1, 'the POST was not sent again on a new connection');
  } finally {
    await proxy.drain();
    app.close();
  }
});

test('a request with a body is not retried: the dropped exchange is a 502', async ({ pki, cert }) => {
  const app = await droppingApp();
  const proxy = await startTestProxy(await proxyParams(cert, app.port));
  try {
    assert.is((await httpsGet(proxy.port, pki.ca, '/one')).status, 200);
    assert.is(await post(proxy, pki.ca, 'hi'), 502);
  } finally {
    await proxy.drain();
    app.close();
  }
});

test.run();
