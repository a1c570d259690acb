// The RELP client against a fake imrelp: batches are delivered in order within the window, and every
// way the server can fail (refusal, silence, hang-up, garbage, serverclose) rejects with a RelpError,
// closes the client, and leaves no exception or rejection behind.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { RelpClient, type RelpOptions, RelpError } from '../src/relp.js';
import { freePort, quietFor } from '../../lib/test-support/wait.js';
import { FakeRelp } from './fake-relp.js';

// Anything escaping an event handler or a promise is noted here, fails the run, and the last test.
// (Not asserted in after.each: uvu ends a suite silently, as passed, when that hook throws.)
const stray: unknown[] = [];
const note = (e: unknown) => {
  stray.push(e);
  process.exitCode = 1;
  console.error('escaped:', e);
};
process.on('uncaughtException', note);
process.on('unhandledRejection', note);

interface Ctx {
  fake: FakeRelp;
  client: RelpClient;
  open(o?: Partial<RelpOptions>): Promise<RelpClient>;
}
const test = suite<Ctx>('RelpClient against a fake imrelp', {} as Ctx);
test.before.each(async (ctx) => {
  ctx.fake = await new FakeRelp().start();
  ctx.open = async (o = {}) => {
    ctx.client = new RelpClient({ host: '127.0.0.1', port: ctx.fake.port, window: 16, timeoutMs: 2000, ...o });
    await ctx.client.connect();
    return ctx.client;
  };
});
test.after.each(async (ctx) => {
  await ctx.client?.close();
  await ctx.fake.stop();
});

const batch = (n: number, from = 0) => Array.from({ length: n }, (_, i) => Buffer.from(`<14>1 - host app - - - message ${from + i}`));
const text = (bs: Buffer[]) => bs.map((b) => b.toString());

/** The RelpError a promise rejects with; fails the test if it resolves, rejects otherwise, or hangs for 5 s. */
async function refusal(p: Promise<unknown>): Promise<RelpError> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('still pending after 5 s')), 5000)));
  let outcome: unknown = 'resolved';
  try {
    await Promise.race([p, hang]);
  } catch (e) {
    outcome = e;
  } finally {
    clearTimeout(timer);
  }
  assert.instance(outcome, RelpError, `expected a RelpError, got ${String(outcome)}`);
  return outcome as RelpError;
}

test('every message of a batch is delivered once, in order, and send resolves only after the last ack', async ({ fake, open }) => {
  const c = await open();
  assert.equal(fake.offers, ['relp_version=0\nrelp_software=sidecar-lab-log-shipper\ncommands=syslog']);
  const first = batch(100);
  await c.send([...first, Buffer.alloc(0)]);
  assert.is(fake.maxInFlight, 16, 'the window was used');
  const second = batch(50, 100);
  await c.send(second);
  assert.equal(text(fake.messages), [...text(first), '', ...text(second)]);
  assert.equal(
    fake.txnrs,
    Array.from({ length: 152 }, (_, i) => i + 1),
  );
  assert.equal(fake.violations, []);
  assert.ok(c.connected);
});

test('the last ack is what resolves send: it stays pending while the server holds it', async ({ fake, open }) => {
  const c = await open({ window: 4 });
  fake.holdMs = 150;
  let done = false;
  const p = c.send(batch(3)).then(() => (done = true));
  await fake.received(3);
  await quietFor(50, 'send resolving while the server holds the last ack');
  assert.is(done, false);
  await p;
  assert.is(done, true);
});

test('at most window messages are unacknowledged at any time', async ({ fake, open }) => {
  for (const window of [1, 3, 8]) {
    fake.maxInFlight = 0;
    const c = await open({ window });
    await c.send(batch(40));
    assert.is(fake.maxInFlight, window, `window ${window}`);
    await c.close();
  }
  assert.equal(fake.violations, []);
});

test('acks in any order are matched to their own messages', async ({ fake, open }) => {
  fake.reverse = true;
  const c = await open({ window: 10 });
  await c.send(batch(95));
  assert.is(fake.messages.length, 95);
  assert.ok(c.connected);
});

test('a 500 answer rejects send with a RelpError naming the code, and the client is closed', async ({ fake, open }) => {
  fake.trouble = { at: 17, what: { refuse: '500 queue full' } };
  const c = await open({ window: 4 });
  const e = await refusal(c.send(batch(30)));
  assert.match(e.message, /refused message 17 of 30 \(txnr 18\): 500 queue full/);
  assert.is(e.code, 500);
  assert.is(e.delivered, 16);
  assert.is(c.connected, false);
  assert.match((await refusal(c.send(batch(1)))).message, /not connected .*500 queue full/);
});

test('a server that stops acking makes send reject after timeoutMs', async ({ fake, open }) => {
  fake.trouble = { at: 5, what: 'hang' };
  const c = await open({ timeoutMs: 200 });
  const t0 = performance.now();
  const e = await refusal(c.send(batch(10)));
  const waited = performance.now() - t0;
  assert.match(e.message, /no ack within 200 ms with 6 messages unacknowledged/);
  assert.ok(waited >= 195 && waited < 1000, `waited ${waited} ms`);
  assert.is(c.connected, false);
});

test('a connection lost mid-batch rejects with the count unacknowledged', async ({ fake, open }) => {
  fake.trouble = { at: 13, what: 'drop' };
  const c = await open({ window: 5 });
  const e = await refusal(c.send(batch(40)));
  assert.match(e.message, /^RELP connection to 127\.0\.0\.1:\d+ lost \(closed by the server\) with 28 messages unacknowledged$/);
  assert.is(e.delivered, 12);
  assert.is(c.connected, false);
});

test('a refused connection rejects connect with a RelpError', async () => {
  const port = await freePort(); // nothing listens there any more
  const c = new RelpClient({ host: '127.0.0.1', port, window: 4, timeoutMs: 2000 });
  const e = await refusal(c.connect());
  assert.match(e.message, new RegExp(`RELP connect to 127.0.0.1:${port} failed: ECONNREFUSED`));
  assert.is(c.connected, false);
});

test('a port that cannot be dialled rejects connect with a RelpError, not a thrown RangeError', async () => {
  const c = new RelpClient({ host: '127.0.0.1', port: 70000, window: 4, timeoutMs: 2000 });
  assert.match((await refusal(c.connect())).message, /RELP connect to 127\.0\.0\.1:70000 failed: ERR_SOCKET_BAD_PORT/);
  assert.match((await refusal(c.send([]))).message, /not connected/);
});

test('an open answered with anything but 200 and the syslog command rejects connect', async ({ fake, open }) => {
  fake.openAnswer = '500 error 10012 on connect';
  assert.match((await refusal(open())).message, /refused open: 500 error 10012 on connect/);
  fake.openAnswer = '200 OK\nrelp_version=0\ncommands=eventlog';
  assert.match((await refusal(open())).message, /does not offer the syslog command/);
  assert.is(fake.commands.filter((c) => c === 'open').length, 2);
});

test('a server that accepts the connection but never answers open makes connect reject after timeoutMs', async ({ fake, open }) => {
  fake.openAnswer = '';
  const e = await refusal(open({ timeoutMs: 150 }));
  assert.match(e.message, /did not answer open within 150 ms/);
});

test('garbage from the server rejects send, never throws out of an event handler', async ({ fake, open }) => {
  const garbage = [
    'hello\n',
    '2 rsp 6 200 OKX',
    '2 rsp 999999 ',
    '2 rsp 3 abc\n',
    '2 rsp 3\n',
    '2 r-p 6 200 OK\n',
    '2 syslog 2 hi\n',
    '1234567890 rsp 6 200 OK\n',
    '\u0000\u00ff\n',
    '77 rsp 6 200 OK\n',
  ];
  for (const [k, g] of garbage.entries()) {
    fake.trouble = { at: k + 1, what: { garbage: Buffer.from(g, 'latin1') } };
    const c = await open();
    const e = await refusal(c.send(batch(1)));
    assert.match(e.message, /malformed|unexpected|not awaiting/, g);
    assert.is(c.connected, false);
  }
});

test('serverclose rejects pending sends', async ({ fake, open }) => {
  fake.trouble = { at: 3, what: 'serverclose' };
  const c = await open({ timeoutMs: 3000 });
  const e = await refusal(c.send(batch(8)));
  assert.match(e.message, /lost \(closed by the server \(serverclose\)\) with 6 messages unacknowledged/);
  assert.is(c.connected, false);
});

test('txnr wraps from 999999999 to 1', async ({ fake, open }) => {
  const c = await open({ firstTxnr: 999_999_996, window: 2 });
  await c.send(batch(5));
  await c.close();
  assert.equal(fake.txnrs, [999_999_996, 999_999_997, 999_999_998, 999_999_999, 1, 2, 3]);
  assert.equal(fake.commands, ['open', 'syslog', 'syslog', 'syslog', 'syslog', 'syslog', 'close']);
  assert.equal(fake.violations, []);
});

test('close() sends close and resolves, also when repeated', async ({ fake, open }) => {
  const c = await open();
  await c.send(batch(2));
  await Promise.all([c.close(), c.close()]);
  await c.close();
  assert.equal(fake.commands, ['open', 'syslog', 'syslog', 'close']);
  assert.is(c.connected, false);
});

test('close() resolves even if the server is gone', async ({ fake, open }) => {
  const c = await open();
  await fake.stop();
  await c.close();
  assert.is(c.connected, false);
});

test('close() resolves after timeoutMs when the server never answers it', async ({ fake, open }) => {
  fake.answerClose = false;
  const c = await open({ timeoutMs: 100 });
  const t0 = performance.now();
  await c.close();
  assert.ok(performance.now() - t0 >= 95);
  assert.equal(fake.commands, ['open', 'close']);
  assert.is(c.connected, false);
});

test('a client can connect again after a failure and carry on from txnr 1', async ({ fake, open }) => {
  fake.trouble = { at: 2, what: { refuse: '500 busy' } };
  const c = await open();
  await refusal(c.send(batch(3)));
  await c.connect();
  await c.send(batch(2));
  assert.equal(fake.txnrs.slice(-3), [1, 2, 3]);
});

test('a connect while connected rejects without disturbing the session', async ({ fake, open }) => {
  const c = await open();
  assert.match((await refusal(c.connect())).message, /not closed \(ready\)/);
  await c.send(batch(3));
  assert.is(fake.messages.length, 3);
});

test('a batch sent while another is in flight follows it: both delivered in order, each resolving with its own acks, the window shared', async ({
  fake,
  open,
}) => {
  const c = await open({ window: 8 });
  fake.holdMs = 5;
  const order: string[] = [];
  const a = c.send(batch(20)).then(() => order.push('a'));
  const b = c.send(batch(5, 20)).then(() => order.push('b'));
  await Promise.all([a, b]);
  assert.equal(order, ['a', 'b']);
  assert.equal(text(fake.messages), text(batch(25)));
  assert.ok(fake.maxInFlight <= 8, `${fake.maxInFlight} in flight`);
  assert.is(c.connected, true);
});

test('a failure rejects every batch in flight', async ({ fake, open }) => {
  fake.trouble = { at: 3, what: { refuse: '500 busy' } };
  const c = await open({ window: 4 });
  const [a, b] = [c.send(batch(2)), c.send(batch(4, 2))];
  await a;
  assert.match((await refusal(b)).message, /500 busy/);
  assert.is(c.connected, false);
});

test('no exception or rejection escaped from the client in any test above', async () => {
  await quietFor(10, 'a late stray rejection from the tests above');
  assert.equal(stray, []);
});

test.run();
