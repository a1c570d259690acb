import { Agent } from 'node:https';
import * as assert from 'uvu/assert';
import { httpsGet, proxyParams, quietFor, startTestProxy, startUpstream, tlsOpen, until, within, type Proxy } from './fixtures.js';
import { appSuite, type AppCtx } from './suites.js';

interface Ctx extends AppCtx {
  proxy: Proxy;
  release: (() => void)[];
}
const test = appSuite<Ctx>('drain', {
  serial: '0D0D',
  // /slow sends its headers and half its body, then waits for the test to release the rest.
  // /late waits for the test before it sends anything.
  app: (ctx) => (req, res) => {
    if (req.url === '/slow') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first half, ');
      ctx.release.push(() => res.end('second half'));
    } else if (req.url === '/late') {
      ctx.release.push(() => res.end('late answer'));
    } else {
      res.end('quick');
    }
  },
});
// The idle timeout stays at its default (60s), so nothing below finishes because of it.
test.before.each(async (ctx) => {
  ctx.release = [];
  ctx.upstream.seen.length = 0;
  ctx.proxy = await startTestProxy(await proxyParams(ctx.cert, ctx.upstream.port));
});
test.after.each(async (ctx) => {
  for (const r of ctx.release) r();
  await ctx.proxy.drain();
});

/** Starts drain() and records when it resolves. */
function startDrain(proxy: Proxy, events: string[]) {
  let done = false;
  const promise = proxy.drain().then(() => {
    done = true;
    events.push('drained');
  });
  return { promise, isDone: () => done };
}

test('once drain begins, new connections are refused while open work finishes', async (ctx) => {
  const slow = httpsGet(ctx.proxy.port, ctx.pki.ca, '/slow');
  slow.catch(() => {
    /* awaited below; this only keeps an early failure from crashing the run */
  });
  await until('the upstream to get the slow request', () => ctx.release.length === 1);
  const drain = startDrain(ctx.proxy, []);
  try {
    await httpsGet(ctx.proxy.port, ctx.pki.ca, '/');
    assert.unreachable('a new connection must be refused');
  } catch (e) {
    assert.is((e as NodeJS.ErrnoException).code, 'ECONNREFUSED');
  }
  assert.is(drain.isDone(), false, 'drain still waits for the slow request');
  ctx.release[0]!();
  await within(2000, 'the slow request', slow);
  await within(2000, 'drain', drain.promise);
});

test('an in-flight slow request completes in full before drain resolves', async (ctx) => {
  const events: string[] = [];
  const slow = httpsGet(ctx.proxy.port, ctx.pki.ca, '/slow').then((r) => {
    events.push('response');
    return r;
  });
  slow.catch(() => {
    /* awaited below */
  });
  await until('the upstream to get the slow request', () => ctx.release.length === 1);
  const drain = startDrain(ctx.proxy, events);
  await quietFor(150, 'drain resolving while the slow request is open');
  assert.is(drain.isDone(), false, 'drain must wait for the open request');
  ctx.release[0]!();
  const r = await within(2000, 'the slow request', slow);
  await within(2000, 'drain', drain.promise);
  assert.is(r.status, 200);
  assert.is(r.body, 'first half, second half');
  assert.equal(events, ['response', 'drained']);
});

test('a request whose response starts after drain began is told Connection: close', async (ctx) => {
  // A keep-alive client: without draining it would keep the connection.
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const warm = await httpsGet(ctx.proxy.port, ctx.pki.ca, '/', { agent });
    assert.is(warm.headers.connection, 'keep-alive');
    const late = httpsGet(ctx.proxy.port, ctx.pki.ca, '/late', { agent });
    late.catch(() => {
      /* awaited below */
    });
    await until('the upstream to get the late request', () => ctx.release.length === 1);
    const drain = startDrain(ctx.proxy, []);
    ctx.release[0]!();
    const r = await within(2000, 'the late request', late);
    assert.is(r.body, 'late answer');
    assert.is(r.headers.connection, 'close');
    await within(2000, 'drain', drain.promise);
  } finally {
    agent.destroy();
  }
});

test('an idle keep-alive connection is closed at once instead of holding drain until the idle timeout', async (ctx) => {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const r = await httpsGet(ctx.proxy.port, ctx.pki.ca, '/', { agent });
    assert.is(r.headers.connection, 'keep-alive');
    let clientSawClose = false;
    r.socket.once('close', () => {
      clientSawClose = true;
    });
    const t0 = Date.now();
    const drain = startDrain(ctx.proxy, []);
    await until('drain to finish', drain.isDone, 2000);
    assert.ok(Date.now() - t0 < 1000, `drained in ${Date.now() - t0}ms`);
    await until('the client to see its connection closed', () => clientSawClose, 1000);
  } finally {
    agent.destroy();
  }
});

test('in tcp mode drain waits until the open connection ends', async (ctx) => {
  await ctx.proxy.drain();
  const echo = await startUpstream();
  ctx.proxy = await startTestProxy(await proxyParams(ctx.cert, echo.port, ['--mode', 'tcp']));
  const s = await tlsOpen(ctx.proxy.port, { ca: ctx.pki.ca, servername: 'localhost' });
  try {
    const drain = startDrain(ctx.proxy, []);
    await quietFor(150, 'drain resolving while the tcp connection is open');
    assert.is(drain.isDone(), false, 'an open tcp connection holds the drain');
    s.end();
    await until('drain to finish', drain.isDone, 2000);
  } finally {
    s.destroy();
    await echo.close();
  }
});

test.run();
