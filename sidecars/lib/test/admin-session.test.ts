import fc from 'fast-check';
import { connect, type Socket } from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { type AdminServer, startAdmin } from '../admin.js';
import { createLogger } from '../log.js';
import { Registry } from '../metrics.js';
import { rawExchange } from '../test-support/hostile.js';
import { quietFor, until, within } from '../test-support/wait.js';

interface Ctx {
  server: AdminServer;
  port: number;
}

const test = suite<Ctx>('admin connections', {} as Ctx);

test.before(async (ctx) => {
  ctx.server = await startAdmin({
    port: 0,
    address: '127.0.0.1',
    log: createLogger('demo', 'error', () => {}),
    registry: new Registry('demo'),
    readiness: () => ({ ready: true }),
  });
  ctx.port = ctx.server.address().port;
});
test.after(async (ctx) => {
  ctx.server.closeAllConnections();
  await new Promise((r) => ctx.server.close(r));
});

/** Writes bytes on one connection and collects what comes back until the server closes it (or `ms` pass). */
function exchange(port: number, bytes: string, ms = 3000): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve) => {
    const s: Socket = connect(port, '127.0.0.1', () => s.write(bytes, 'latin1'));
    let text = '';
    const timer = setTimeout(() => {
      s.destroy();
      resolve({ text, closed: false });
    }, ms);
    s.setEncoding('latin1');
    s.on('data', (c: string) => (text += c));
    s.on('error', () => {});
    s.on('close', () => {
      clearTimeout(timer);
      resolve({ text, closed: true });
    });
  });
}

const statuses = (text: string) => [...text.matchAll(/^HTTP\/1\.1 (\d{3})/gm)].map((m) => Number(m[1]));
const get = (path: string, extra = '') => `GET ${path} HTTP/1.1\r\nHost: x\r\n${extra}\r\n`;

test('requests pipelined on one connection are answered in order, and the connection stays open after them', async ({ port }) => {
  const r = await exchange(port, get('/healthz') + get('/nope') + get('/readyz'), 500);
  assert.equal(statuses(r.text), [200, 404, 200]);
  assert.is(r.closed, false, 'kept alive');
  assert.is((r.text.match(/connection: keep-alive/g) ?? []).length, 3);
});

test('Connection: close is answered, then the connection is closed', async ({ port }) => {
  const r = await exchange(port, get('/healthz', 'Connection: close\r\n'));
  assert.equal(statuses(r.text), [200]);
  assert.ok(r.text.includes('connection: close'));
  assert.is(r.closed, true);
});

test('an HTTP/1.0 request is answered, then the connection is closed', async ({ port }) => {
  const r = await exchange(port, 'GET /healthz HTTP/1.0\r\n\r\n');
  assert.equal(statuses(r.text), [200]);
  assert.ok(r.text.endsWith('ok\n'));
  assert.is(r.closed, true);
});

test('a request with a body is answered and the connection closed, so the body is never read as a request', async ({ port }) => {
  const body = get('/healthz');
  const r = await exchange(port, `POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
  assert.equal(statuses(r.text), [405]);
  assert.is(r.closed, true);
});

test('a second Content-Length never turns a body into a request: the request is answered once and the connection closed', async ({
  port,
}) => {
  const body = get('/metrics');
  const r = await exchange(port, `GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\nContent-Length: 0\r\n\r\n${body}`);
  assert.equal(statuses(r.text), [200]);
  assert.not.ok(r.text.includes('version=0.0.4'), 'the body was answered as /metrics');
  assert.is(r.closed, true);
});

test('a client that sends requests and never reads an answer is cut by the server within the keep-alive time', async ({ port }) => {
  const s: Socket = connect(port, '127.0.0.1');
  s.on('error', () => {});
  await new Promise((r) => s.once('connect', r));
  s.pause(); // never reads
  // /metrics, the largest answer: the socket's buffers fill after fewer answers, so the keep-alive time starts sooner.
  const burst = Buffer.from(get('/metrics').repeat(1000));
  let open = true;
  let sent = 0;
  const closed = new Promise<void>((r) => s.once('close', () => r()));
  void closed.then(() => (open = false));
  // Writes as fast as the server takes requests: each burst after the last one drained.
  const pump = () => {
    while (open && s.write(burst)) sent += burst.length;
    sent += burst.length;
    if (open) s.once('drain', pump);
  };
  pump();
  try {
    await within(9000, 'the server to cut a client that sends and never reads', closed);
  } finally {
    s.destroy();
  }
  assert.ok(sent > burst.length, `only ${sent} bytes of requests were sent`);
});

/** An admin server whose /readyz waits until released; asked resolves once a readiness check has begun. */
async function gatedServer(more: { answerTimeoutMs?: number; logs?: string[]; fail?: boolean; readinessLate?: () => void } = {}) {
  let asked: () => void = () => {};
  const askedNow = new Promise<void>((r) => (asked = r));
  let release: () => void = () => {};
  const released = new Promise<void>((r) => (release = r));
  const server = await startAdmin({
    port: 0,
    address: '127.0.0.1',
    log: createLogger('demo', 'error', (line) => more.logs?.push(line)),
    registry: new Registry('demo'),
    answerTimeoutMs: more.answerTimeoutMs,
    readinessLate: more.readinessLate,
    readiness: async () => {
      asked();
      await released;
      if (more.fail) throw new Error('the check failed late');
      return { ready: true };
    },
  });
  return { server, askedNow, release };
}

/** A client on port whose reads gather in text(), and closed, its close. */
function client(port: number) {
  const s: Socket = connect(port, '127.0.0.1');
  let text = '';
  s.setEncoding('latin1');
  s.on('data', (c: string) => (text += c));
  s.on('error', () => {});
  const closed = new Promise((r) => s.once('close', r));
  return { s, closed, text: () => text };
}

test('close() makes the answer a busy connection is giving its last, and calls back once the connection is closed', async () => {
  const { server, askedNow, release } = await gatedServer();
  const c = client(server.address().port);
  c.s.write(get('/readyz'));
  await within(3000, 'the server to ask readiness', askedNow);
  const calledBack = new Promise((r) => server.close(r));
  release();
  await within(3000, 'the connection to close after its answer', c.closed);
  assert.equal(statuses(c.text()), [200]);
  assert.ok(c.text().includes('connection: close'));
  await within(2000, 'close() to call back', calledBack);
});

test('a readiness check that hangs gets a 503 at the answer deadline, marks readiness late once, and the connection serves on', async () => {
  const logs: string[] = [];
  let late = 0;
  const { server, askedNow, release } = await gatedServer({ answerTimeoutMs: 300, logs, fail: true, readinessLate: () => late++ });
  try {
    const c = client(server.address().port);
    c.s.write(get('/readyz'));
    await within(3000, 'the server to ask readiness', askedNow);
    const asked = performance.now();
    await until('the 503 in place of the answer', () => c.text().includes('no answer within 300 ms'), 3000, 5);
    const waited = performance.now() - asked;
    assert.ok(waited >= 250, `the 503 came ${waited.toFixed(0)} ms after the check began, before its deadline`);
    c.s.write(get('/healthz'));
    await until('the next request answered on the same connection', () => statuses(c.text()).length === 2, 3000);
    assert.equal(statuses(c.text()), [503, 200]);
    assert.is(late, 1);
    release();
    await until('the check’s late failure logged', () => logs.length === 2, 3000);
    assert.equal(
      logs.map((l) => JSON.parse(l)).map((l) => [l.level, l.msg, l.path]),
      [
        ['error', 'handler timed out', '/readyz'],
        ['error', 'handler failed after its deadline', '/readyz'],
      ],
    );
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});

test('a client that half-closes after its request still gets the answer the handler gives later, then the connection ends', async () => {
  const { server, askedNow, release } = await gatedServer();
  try {
    const c = client(server.address().port);
    c.s.end(get('/readyz'));
    await within(3000, 'the server to ask readiness', askedNow);
    await quietFor(300, 'the server dropping the request because the client half-closed');
    release();
    await within(3000, 'the connection to close after its answer', c.closed);
    assert.equal(statuses(c.text()), [200]);
    assert.ok(c.text().includes('connection: close'));
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});

test('a client that half-closes with nothing asked, or in the middle of a head, has the connection ended with no answer', async ({
  port,
}) => {
  for (const bytes of ['', 'GET /healthz HTTP/1.1\r\nHo']) {
    const c = client(port);
    c.s.end(bytes);
    await within(3000, `the server to end the connection after ${JSON.stringify(bytes)} and a FIN`, c.closed);
    assert.is(c.text(), '');
  }
});

test('HEAD gets the head of the GET answer, its Content-Length included, and no body', async ({ port }) => {
  const r = await exchange(port, `HEAD /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
  assert.ok(r.text.startsWith('HTTP/1.1 200 OK\r\n'));
  assert.ok(r.text.includes('content-length: 3\r\n'));
  assert.ok(r.text.endsWith('\r\n\r\n'), 'nothing after the head');
});

test('an HTTP/1.1 request without Host, with two, or with one that is not host[:port] gets a 400 and the connection closed', async ({
  port,
}) => {
  for (const head of [
    'GET /healthz HTTP/1.1\r\n',
    'GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n',
    'GET /healthz HTTP/1.1\r\nHost: a@b\r\n',
  ]) {
    const r = await exchange(port, `${head}\r\n`);
    assert.equal([statuses(r.text), r.closed], [[400], true], JSON.stringify(head));
    assert.match(r.text, /Host/);
  }
  const old = await exchange(port, 'GET /healthz HTTP/1.0\r\n\r\n');
  assert.equal(statuses(old.text), [200], 'HTTP/1.0 needs no Host');
});

test('a head the strict reader refuses gets its status and the connection is closed', async ({ port }) => {
  const bareLf = await exchange(port, 'GET /healthz HTTP/1.1\nHost: x\n\n');
  assert.equal([statuses(bareLf.text), bareLf.closed], [[400], true]);
  const unknown = await exchange(port, 'BREW /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
  assert.equal([statuses(unknown.text), unknown.closed], [[501], true]);
  const big = await exchange(port, `GET /healthz HTTP/1.1\r\nX: ${'a'.repeat(17 * 1024)}\r\n\r\n`);
  assert.equal([statuses(big.text), big.closed], [[431], true]);
});

test('a connection idle past the keep-alive timeout is closed by the server', async ({ port }) => {
  const r = await within(9000, 'the idle connection to close', exchange(port, get('/healthz'), 8000));
  assert.equal(statuses(r.text), [200]);
  assert.is(r.closed, true);
});

test('close() stops accepting, closes the connections that wait, and calls back once none is left', async () => {
  const server = await startAdmin({
    port: 0,
    address: '127.0.0.1',
    log: createLogger('demo', 'error', () => {}),
    registry: new Registry('demo'),
    readiness: () => ({ ready: true }),
  });
  const port = server.address().port;
  const waiting = exchange(port, get('/healthz'), 4000);
  assert.equal(statuses((await rawExchange({ port }, get('/healthz', 'Connection: close\r\n'))).text), [200]);
  await within(2000, 'close() to call back', new Promise((r) => server.close(r)));
  assert.is((await waiting).closed, true);
  assert.is((await rawExchange({ port }, get('/healthz'), 1000)).status, undefined, 'nothing listens any more');
});

test('any bytes ending in CRLF CRLF get a refusal (4xx, or 501 for a method), never a 500, and /healthz still answers', async ({
  port,
}) => {
  let answered = 0;
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), async (bytes) => {
      const r = await exchange(port, `${Buffer.from(bytes).toString('latin1')}\r\n\r\n`, 1000);
      const got = statuses(r.text);
      if (got.length) answered++;
      for (const s of got) assert.ok((s >= 400 && s < 500) || s === 501, `status ${s}`);
    }),
    { numRuns: 150 },
  );
  // Only bytes that are all empty lines leave a head still to come (the header deadline ends those).
  assert.ok(answered > 100, `only ${answered} of 150 answered`);
  const r = await exchange(port, get('/healthz', 'Connection: close\r\n'));
  assert.equal(statuses(r.text), [200]);
});

test.run();
