import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ResponseError, ResponseParser, type ResponseHead } from '../response-parser.js';

const test = suite('response parser');

interface Seen {
  heads: ResponseHead[];
  body: string;
  ends: boolean[];
}

/** Feeds the bytes in pieces of `step` bytes (0: all at once); returns what the handlers saw. */
function parse(bytes: string, o: { method?: string; step?: number; close?: boolean } = {}): Seen & { parser: ResponseParser } {
  const seen: Seen = { heads: [], body: '', ends: [] };
  const parser = new ResponseParser({
    head: (h) => seen.heads.push(h),
    body: (c) => {
      seen.body += c.toString('latin1');
    },
    end: (k) => seen.ends.push(k),
  });
  parser.begin(o.method ?? 'GET');
  const buf = Buffer.from(bytes, 'latin1');
  const step = o.step || buf.length;
  for (let i = 0; i < buf.length; i += step) parser.push(buf.subarray(i, i + step));
  if (o.close) parser.closed();
  return { ...seen, parser };
}

const fails = (bytes: string, pattern: RegExp, o: Parameters<typeof parse>[1] = {}) => {
  try {
    parse(bytes, o);
    assert.unreachable(`should reject ${JSON.stringify(bytes.slice(0, 40))}`);
  } catch (e) {
    assert.instance(e, ResponseError);
    assert.match((e as Error).message, pattern);
  }
};

const CL = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n\r\nhello world';
const CHUNKED = 'HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n';

test('a Content-Length body is delivered whole and ends keep-alive, however the bytes are split', () => {
  for (const step of [0, 1, 2, 7, 40]) {
    const r = parse(CL, { step });
    assert.equal(r.heads, [{ status: 200, reason: 'OK', headers: ['Content-Type', 'text/plain', 'Content-Length', '11'] }], `step ${step}`);
    assert.is(r.body, 'hello world', `step ${step}`);
    assert.equal(r.ends, [true], `step ${step}`);
    assert.ok(r.parser.complete);
  }
});

test('a chunked body is decoded, extensions and trailers dropped, however the bytes are split', () => {
  for (const step of [0, 1, 3, 9]) {
    const r = parse(CHUNKED, { step });
    assert.is(r.heads[0]!.status, 201);
    assert.is(r.body, 'hello world', `step ${step}`);
    assert.equal(r.ends, [true], `step ${step}`);
  }
});

test('a body without length or chunks ends when the app closes, and the connection is not reused', () => {
  const r = parse('HTTP/1.1 200 OK\r\n\r\nuntil the end', { close: true });
  assert.is(r.body, 'until the end');
  assert.equal(r.ends, [false]);
});

test('HEAD, 204 and 304 responses have no body whatever their headers say', () => {
  assert.equal(parse('HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n', { method: 'HEAD' }).ends, [true]);
  assert.equal(parse('HTTP/1.1 204 No Content\r\n\r\n').ends, [true]);
  assert.equal(parse('HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n').ends, [true]);
});

test('informational responses are skipped and the final one is reported', () => {
  const r = parse(`HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n${CL}`, { step: 5 });
  assert.equal(
    r.heads.map((h) => h.status),
    [200],
  );
  assert.is(r.body, 'hello world');
});

test('Connection: close, HTTP/1.0 without keep-alive, and Transfer-Encoding beside Content-Length end the connection', () => {
  assert.equal(parse('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n').ends, [false]);
  assert.equal(parse('HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n').ends, [false]);
  assert.equal(parse('HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n').ends, [true]);
  const both = parse('HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n');
  assert.is(both.body, 'ok');
  assert.equal(both.ends, [false]);
});

test('responses that cannot be framed exactly are errors', () => {
  fails('HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd', /invalid Content-Length/);
  fails('HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n', /invalid Content-Length/);
  fails('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', /invalid chunk size/);
  fails('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nokX\r\n', /longer than its size/);
  fails('HTTP/1.1 200 OK\r\nX-A: 1\r\n folded\r\nContent-Length: 0\r\n\r\n', /malformed header line/);
  fails('HTTP/2 200\r\n\r\n', /status line/);
  fails('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n', /upgrades are not proxied/);
  fails(`${CL}extra`, /after the end of its response/);
  fails('HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello', /before the end of its response/, { close: true });
  fails(`HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(70 * 1024)}`, /larger than 64 KiB/);
});

test('a second response can be read after the first completed, and not before', () => {
  const r = parse(CL);
  r.parser.begin('GET');
  r.parser.push(Buffer.from('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n'));
  assert.equal(r.ends, [true, true]);
  assert.equal(
    r.heads.map((h) => h.status),
    [200, 404],
  );
  const busy = parse('HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello');
  try {
    busy.parser.begin('GET');
    assert.unreachable('begin during a response');
  } catch (e) {
    assert.instance(e, ResponseError);
  }
});

interface Verdict extends Seen {
  error: boolean;
}

/** What the parser makes of bytes pushed in pieces cut at `cuts` (one piece when none), then closed. Lets nothing but a ResponseError through. */
function verdict(bytes: Buffer, cuts: number[], method = 'GET'): Verdict {
  const v: Verdict = { heads: [], body: '', ends: [], error: false };
  const parser = new ResponseParser({
    head: (h) => v.heads.push(h),
    body: (c) => {
      v.body += c.toString('latin1');
    },
    end: (k) => v.ends.push(k),
  });
  parser.begin(method);
  try {
    let from = 0;
    for (const at of [...cuts.map((c) => c % (bytes.length + 1)).sort((a, b) => a - b), bytes.length]) {
      parser.push(bytes.subarray(from, at)); // a cut repeated pushes an empty piece, which must be harmless too
      from = at;
    }
    parser.closed();
  } catch (e) {
    if (!(e instanceof ResponseError)) throw e;
    v.error = true;
  }
  return v;
}

test('a head or a chunk line exactly at its size limit is read the same however the bytes are split', () => {
  const line = `5;${'x'.repeat(4094)}`; // a 4096-byte chunk-size line (size 5 and an extension)
  const chunkedAtLimit = Buffer.from(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${line}\r\nhello\r\n0\r\n\r\n`);
  const head = `HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Big: `;
  const headAtLimit = Buffer.from(`${head}${'a'.repeat(64 * 1024 - head.length)}\r\n\r\nok`);
  const overLimit = Buffer.from(`${head}${'a'.repeat(64 * 1024 - head.length + 1)}\r\n\r\nok`);
  // Where each one's terminator starts: cuts around it split the CR LF (CR LF) from the text before.
  const cases: [Buffer, number][] = [
    [chunkedAtLimit, chunkedAtLimit.indexOf(`${line}\r\n`) + line.length],
    [headAtLimit, headAtLimit.indexOf('\r\n\r\n')],
    [overLimit, overLimit.indexOf('\r\n\r\n')],
  ];
  for (const [bytes, end] of cases) {
    const whole = verdict(bytes, []);
    for (let at = end - 2; at <= end + 4; at++) assert.equal(verdict(bytes, [at]), whole, `cut at ${at} of ${end}`);
  }
  assert.is(verdict(chunkedAtLimit, []).body, 'hello');
  assert.is(verdict(headAtLimit, []).body, 'ok');
  assert.is(verdict(overLimit, []).error, true);
});

const FRAGMENTS = [
  'HTTP/1.1 200 OK\r\n',
  'HTTP/1.0 200 OK\r\n',
  'HTTP/1.1 204 No Content\r\n',
  'HTTP/1.1 304 Not Modified\r\n',
  'HTTP/1.1 100 Continue\r\n\r\n',
  'HTTP/1.1 101 Switching Protocols\r\n',
  'Content-Length: 5\r\n',
  'Content-Length: 0\r\n',
  'Content-Length: 3, 3\r\n',
  'Content-Length: -1\r\n',
  'Transfer-Encoding: chunked\r\n',
  'Transfer-Encoding: gzip\r\n',
  'Connection: close\r\n',
  'Connection: keep-alive\r\n',
  'X-A: b\r\n',
  ' folded\r\n',
  '\r\n',
  '\r\n\r\n',
  '5\r\nhello\r\n',
  '0\r\n\r\n',
  '3;ext=1\r\n',
  'fffffffffffff\r\n',
  'hello',
  '\n',
  '\r',
  '\0',
  'a'.repeat(4097),
  `X-Big: ${'b'.repeat(66_000)}`,
];
const bytesArb = fc
  .array(
    fc.oneof(
      fc.constantFrom(...FRAGMENTS),
      fc.uint8Array({ maxLength: 24 }).map((b) => Buffer.from(b).toString('latin1')),
    ),
    { maxLength: 16 },
  )
  .map((parts) => Buffer.from(parts.join(''), 'latin1'));

test('property: on arbitrary bytes cut at arbitrary points the parser throws only ResponseError, and its verdict does not depend on the cuts', () => {
  fc.assert(
    fc.property(bytesArb, fc.array(fc.nat(), { maxLength: 12 }), fc.constantFrom('GET', 'HEAD'), (bytes, cuts, method) => {
      assert.equal(verdict(bytes, cuts, method), verdict(bytes, [], method));
      assert.equal(
        verdict(
          bytes,
          Array.from({ length: Math.min(bytes.length, 300) }, (_, i) => i),
          method,
        ),
        verdict(bytes, [], method),
      );
    }),
    { numRuns: 200 },
  );
});

test.run();
