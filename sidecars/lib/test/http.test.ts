import type { Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { HttpError, readBody, serve, type Handler } from '../http.js';
import { createLogger } from '../log.js';
import { rawExchange, requestFor } from '../test-support/hostile.js';

const lines: string[] = [];
const log = createLogger('demo', 'debug', (l) => lines.push(l));
const logged = (from: number) => lines.slice(from).map((l) => JSON.parse(l) as Record<string, unknown>);

async function withServer(handler: Handler, opts: Partial<Parameters<typeof serve>[1]>, fn: (port: number) => Promise<void>) {
  const server: Server = serve(handler, { log, ...opts });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    await fn((server.address() as AddressInfo).port);
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
}

const test = suite('http guard');

test('a handler that throws gets a 500 and one error log line, and the next request is served', async () => {
  let calls = 0;
  const before = lines.length;
  await withServer(
    (_req, res) => {
      if (calls++ === 0) throw new TypeError('boom');
      res.end('fine');
    },
    {},
    async (port) => {
      assert.is((await rawExchange({ port }, requestFor('/x'))).status, 500);
      const next = await rawExchange({ port }, requestFor('/x'));
      assert.equal([next.status, next.text.endsWith('fine')], [200, true]);
    },
  );
  assert.equal(
    logged(before).map((l) => [l.level, l.msg, l.err, l.path]),
    [['error', 'handler failed', 'boom', '/x']],
  );
});

test('an HttpError thrown after the body was read to its end is answered, not dropped as a client gone', async () => {
  await withServer(
    async (req) => {
      await readBody(req, 1024);
      throw new HttpError(400, 'not JSON');
    },
    {},
    async (port) => {
      const r = await rawExchange({ port }, 'POST /x HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Length: 5\r\n\r\nhello');
      assert.is(r.status, 400);
    },
  );
});

test('a handler whose promise rejects gets a 500 too', async () => {
  await withServer(
    async () => {
      await Promise.resolve();
      throw new Error('later');
    },
    {},
    async (port) => {
      assert.is((await rawExchange({ port }, requestFor('/'))).status, 500);
    },
  );
});

test('an HttpError becomes its status, message and headers, with no error logged', async () => {
  const before = lines.length;
  await withServer(
    () => {
      throw new HttpError(415, 'unsupported media type', { accept: 'application/json' });
    },
    {},
    async (port) => {
      const r = await rawExchange({ port }, requestFor('/'));
      assert.is(r.status, 415);
      assert.match(r.text, /\r\naccept: application\/json\r\n/i);
      assert.match(r.text, /unsupported media type\n$/);
    },
  );
  assert.equal(
    logged(before).filter((l) => l.level === 'error'),
    [],
  );
});

test('a target that would make new URL() throw gets a 400 before the handler runs', async () => {
  let calls = 0;
  await withServer(
    (_req, res) => {
      calls++;
      res.end();
    },
    {},
    async (port) => {
      for (const t of ['//[', 'http://[', '/%zz']) assert.is((await rawExchange({ port }, requestFor(t))).status, 400, t);
    },
  );
  assert.is(calls, 0);
});

test('requests Node cannot parse get a 400, and too many header bytes a 431, answered not reset', async () => {
  await withServer(
    (_req, res) => {
      res.end();
    },
    {},
    async (port) => {
      assert.is((await rawExchange({ port }, 'GET / HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n')).status, 400);
      assert.is((await rawExchange({ port }, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`)).status, 431);
    },
  );
});

/** Writes `first`, then each of `then` once the text read so far ends with 'ok'; reads until the server closes. */
const conversation = (port: number, first: string, ...then: string[]) =>
  new Promise<string>((resolve) => {
    let text = '';
    const s = connect(port, '127.0.0.1', () => s.write(first));
    const timer = setTimeout(() => s.destroy(), 3000);
    s.setEncoding('latin1').on('data', (d: string) => {
      text += d;
      if (text.endsWith('ok') && then.length) s.write(then.shift()!);
    });
    s.on('error', () => {});
    s.on('close', () => {
      clearTimeout(timer);
      resolve(text);
    });
  });

test('a body found malformed after the answer began gets no second answer: the connection is closed', async () => {
  const refused: number[] = [];
  await withServer(
    (_req, res) => {
      res.end('ok');
    },
    { onRefused: (status) => refused.push(status) },
    async (port) => {
      const text = await conversation(port, 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n');
      assert.match(text, /^HTTP\/1\.1 200 OK\r\n.*\r\n\r\nok$/s);
      assert.is(text.match(/HTTP\/1\.1 /g)?.length, 1, 'one answer, the 200');
      assert.equal(refused, []);
      // A malformed request after an exchange that is over, on the same connection, still gets its 400.
      const next = await conversation(port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n', 'GET / HTTP/1.1\r\nBad Header: y\r\n\r\n');
      assert.match(next, /^HTTP\/1\.1 200 OK\r\n.*\r\n\r\nokHTTP\/1\.1 400 Bad Request\r\n/s);
      assert.equal(refused, [400]);
    },
  );
});

test('a body over the limit gets a 413 that a client still sending its body receives', async () => {
  await withServer(
    async (req, res) => {
      res.end(String((await readBody(req, 1024)).length));
    },
    {},
    async (port) => {
      // No Content-Length: the limit is found while reading, with most of the body still on its way.
      const chunk = 'x'.repeat(16 * 1024);
      const body = Array.from({ length: 64 }, () => `${chunk.length.toString(16)}\r\n${chunk}\r\n`).join('');
      const r = await rawExchange({ port }, `POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${body}0\r\n\r\n`);
      assert.is(r.status, 413);
      const declared = await rawExchange({ port }, `POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1048576\r\n\r\n${'y'.repeat(65_536)}`);
      assert.is(declared.status, 413);
      assert.is(
        (await rawExchange({ port }, `POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc`)).text.endsWith(
          '\r\n3',
        ),
        true,
      );
    },
  );
});

test('a body that stops coming gets a 408 once the request timeout passes, not minutes later', async () => {
  await withServer(
    async (req, res) => {
      res.end(String((await readBody(req, 1024)).length));
    },
    { requestTimeoutMs: 300 },
    async (port) => {
      const t0 = Date.now();
      const r = await rawExchange({ port }, 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc', 10_000);
      assert.is(r.status, 408);
      assert.ok(Date.now() - t0 < 5000, `answered after ${Date.now() - t0} ms`);
    },
  );
});

test('a request head that never ends is closed once the headers timeout passes', async () => {
  await withServer(
    (_req, res) => {
      res.end();
    },
    { headersTimeoutMs: 500 },
    async (port) => {
      const t0 = Date.now();
      const { closed, text } = await new Promise<{ closed: number; text: string }>((resolve) => {
        let text = '';
        const s = connect(port, '127.0.0.1', () => s.write('GET / HTTP/1.1\r\nHost: x\r\n'));
        s.setEncoding('latin1').on('data', (d: string) => (text += d));
        s.on('error', () => {});
        s.on('close', () => resolve({ closed: Date.now() - t0, text }));
      });
      assert.match(text, /^HTTP\/1\.1 408 /, 'answered 408, not just dropped');
      assert.ok(closed >= 450 && closed < 5000, `closed after ${closed} ms (the timeout is 500 ms)`);
    },
  );
});

test('after a 413 the rest of a body is drained only until the request timeout, then the connection is cut', async () => {
  await withServer(
    async (req, res) => {
      res.end(String((await readBody(req, 16)).length));
    },
    { requestTimeoutMs: 400 },
    async (port) => {
      const t0 = Date.now();
      const outcome = await new Promise<{ text: string; ms: number }>((resolve) => {
        let text = '';
        const s = connect(port, '127.0.0.1', () => {
          s.write(`POST / HTTP/1.1\r\nHost: x\r\nContent-Length: ${1 << 30}\r\n\r\n`);
          const trickle = setInterval(() => {
            if (s.writable) s.write('y'.repeat(64));
          }, 20);
          s.on('close', () => clearInterval(trickle));
        });
        s.setEncoding('latin1').on('data', (c: string) => (text += c));
        s.on('error', () => {});
        s.on('close', () => resolve({ text, ms: Date.now() - t0 }));
      });
      assert.match(outcome.text, /^HTTP\/1\.1 413 /);
      assert.ok(outcome.ms < 5000, `cut after ${outcome.ms} ms`);
    },
  );
});

test('a client that hangs up mid-body is neither logged as a handler failure nor counted as a refusal', async () => {
  const before = lines.length;
  const refused: number[] = [];
  let settled!: () => void;
  const done = new Promise<void>((r) => (settled = r));
  await withServer(
    async (req, res) => {
      try {
        res.end(String((await readBody(req, 1024)).length));
      } finally {
        setImmediate(settled);
      }
    },
    { onRefused: (status) => refused.push(status) },
    async (port) => {
      const s = connect(port, '127.0.0.1', () => s.end('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nhalf'));
      s.on('error', () => {});
      await done; // the handler's body read has ended (rejected: the client is gone)
    },
  );
  assert.equal(refused, []);
  assert.equal(
    logged(before).filter((l) => l.level === 'error'),
    [],
  );
});

test.run();
