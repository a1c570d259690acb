// Request-smuggling and framing attacks for any HTTP/1.1 proxy listener, with a recording app to put
// behind it and a runner. Each case is written to a raw socket (so no client cleans it up) and must end
// as its `expect` says, judged by what the client got back and by what the app behind received:
//   4xx | 501 | 505: the proxy answered that status and not one byte reached the app;
//   close:           the proxy closed without an answer and not one byte reached the app;
//   cut:             the body turned out to be malformed after the head was forwarded: the client got a
//                    4xx or a close, and the app saw at most that one request, never complete;
//   forwarded-once:  the app got exactly one complete request (which `check` may inspect) and the client its answer.
// After each case a sentinel request must still be served; being sent after, it also flushes anything
// the proxy left queued on its connection to the app, where a smuggled request would surface.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { rawExchange, type Endpoint } from './hostile.js';

export type Outcome = '4xx' | '501' | '505' | 'close' | 'cut' | 'forwarded-once';

export interface Recorded {
  method: string;
  url: string;
  rawHeaders: string[];
  body: Buffer;
  complete: boolean;
}

export interface SmugglingCase {
  name: string;
  bytes: string;
  /** Every acceptable outcome; several where the RFCs allow either. */
  expect: Outcome | readonly Outcome[];
  /** For a forwarded request: what is wrong with what the app got, or undefined. */
  check?: (r: Recorded) => string | undefined;
}

/** Header values the app got under a name, compared case-insensitively. */
export const valuesOf = (r: Recorded, name: string) =>
  r.rawHeaders.flatMap((v, i) => (i % 2 === 0 && v.toLowerCase() === name ? [r.rawHeaders[i + 1]!] : []));

const H = 'Host: localhost\r\n';
const post = (headers: string, body: string, version = '1.1') => `POST /smuggle HTTP/${version}\r\n${H}${headers}\r\n${body}`;
const get = (headers: string, line = 'GET /smuggle HTTP/1.1') => `${line}\r\n${headers}\r\n`;
const chunked = (body: string) => post('Transfer-Encoding: chunked\r\n', body);
const bodyIs = (want: string) => (r: Recorded) =>
  r.body.toString('latin1') === want ? undefined : `body ${JSON.stringify(r.body.toString('latin1'))}, want ${JSON.stringify(want)}`;
const absent =
  (...names: string[]) =>
  (r: Recorded) => {
    const got = names.filter((n) => r.rawHeaders.some((v, i) => i % 2 === 0 && v.toLowerCase().replace(/_/g, '-') === n));
    return got.length ? `the app got ${got.join(', ')}` : undefined;
  };
const HIDDEN = 'GET /hidden HTTP/1.1\r\nHost: localhost\r\n\r\n';

export const SMUGGLING: readonly SmugglingCase[] = [
  // Body framing: Content-Length and Transfer-Encoding.
  {
    name: 'CL.TE: Content-Length before Transfer-Encoding',
    bytes: post('Content-Length: 6\r\nTransfer-Encoding: chunked\r\n', '0\r\n\r\nG'),
    expect: '4xx',
  },
  {
    name: 'TE.CL: Transfer-Encoding before Content-Length',
    bytes: post('Transfer-Encoding: chunked\r\nContent-Length: 4\r\n', '5c\r\nGPOST / HTTP/1.1\r\n\r\n0\r\n\r\n'),
    expect: '4xx',
  },
  {
    name: 'two Content-Length lines with different values',
    bytes: post('Content-Length: 3\r\nContent-Length: 40\r\n', 'abc'),
    expect: '4xx',
  },
  {
    name: 'two Content-Length lines with the same value',
    bytes: post('Content-Length: 3\r\nContent-Length: 3\r\n', 'abc'),
    expect: ['4xx', 'forwarded-once'],
    check: bodyIs('abc'),
  },
  {
    name: 'Content-Length as a list',
    bytes: post('Content-Length: 3, 3\r\n', 'abc'),
    expect: ['4xx', 'forwarded-once'],
    check: bodyIs('abc'),
  },
  { name: 'Content-Length with a plus sign', bytes: post('Content-Length: +3\r\n', 'abc'), expect: '4xx' },
  { name: 'Content-Length negative', bytes: post('Content-Length: -1\r\n', 'abc'), expect: '4xx' },
  { name: 'Content-Length with a space inside', bytes: post('Content-Length: 1 0\r\n', 'abcdefghij'), expect: '4xx' },
  { name: 'Content-Length in hex', bytes: post('Content-Length: 0x3\r\n', 'abc'), expect: '4xx' },
  // Lengths past 2^53 and 2^64: a floating-point count reads them differently from the app's exact one.
  { name: 'Content-Length of 2^64', bytes: post('Content-Length: 18446744073709551616\r\n', 'abc'), expect: '4xx' },
  { name: 'Content-Length of 10^20', bytes: post('Content-Length: 100000000000000000000\r\n', 'abc'), expect: '4xx' },
  { name: 'Content-Length of 2^53 + 1', bytes: post('Content-Length: 9007199254740993\r\n', 'abc'), expect: '4xx' },
  {
    name: 'Content-Length with leading zeros',
    bytes: post('Content-Length: 00000000000000000000003\r\n', 'abc'),
    expect: ['4xx', 'forwarded-once'],
    check: (r) =>
      bodyIs('abc')(r) ?? (valuesOf(r, 'content-length').join() === '3' ? undefined : `Content-Length ${valuesOf(r, 'content-length')}`),
  },
  {
    name: 'a chunk size of 15 hex digits, past 2^53',
    bytes: chunked('fffffffffffffff\r\nabc\r\n0\r\n\r\n'),
    expect: ['4xx', 'cut'],
  },
  {
    name: 'a chunk size past 2^64',
    bytes: chunked('10000000000000001\r\nabc\r\n0\r\n\r\n'),
    expect: ['4xx', 'cut'],
  },
  {
    name: 'Transfer-Encoding with chunked not last',
    bytes: post('Transfer-Encoding: chunked, gzip\r\n', '3\r\nabc\r\n0\r\n\r\n'),
    expect: '4xx',
  },
  { name: 'Transfer-Encoding: xchunked', bytes: post('Transfer-Encoding: xchunked\r\n', '3\r\nabc\r\n0\r\n\r\n'), expect: ['4xx', '501'] },
  {
    name: 'Transfer-Encoding with a coding before chunked',
    bytes: post('Transfer-Encoding: gzip, chunked\r\n', '3\r\nabc\r\n0\r\n\r\n'),
    expect: ['501', '4xx'],
  },
  {
    name: 'Transfer-Encoding on two lines',
    bytes: post('Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n', '3\r\nabc\r\n0\r\n\r\n'),
    expect: '4xx',
  },
  {
    name: 'Transfer-Encoding folded onto a second line',
    bytes: post('Transfer-Encoding:\r\n chunked\r\n', '3\r\nabc\r\n0\r\n\r\n'),
    expect: '4xx',
  },
  {
    name: 'Transfer-Encoding with a space before the colon',
    bytes: post('Transfer-Encoding : chunked\r\n', '3\r\nabc\r\n0\r\n\r\n'),
    expect: '4xx',
  },
  {
    name: 'Transfer_Encoding spelled with an underscore beside Content-Length',
    bytes: post('Transfer_Encoding: chunked\r\nContent-Length: 5\r\n', '0\r\n\r\n'),
    expect: 'forwarded-once',
    check: (r) => bodyIs('0\r\n\r\n')(r) ?? absent('transfer-encoding')(r),
  },
  {
    name: 'HTTP/1.0 with Transfer-Encoding',
    bytes: post('Transfer-Encoding: chunked\r\n', '3\r\nabc\r\n0\r\n\r\n', '1.0'),
    expect: ['4xx', 'forwarded-once'],
    check: bodyIs('abc'),
  },
  {
    name: 'a Content-Length body that holds a request',
    bytes: post(`Content-Length: ${HIDDEN.length}\r\n`, HIDDEN),
    expect: 'forwarded-once',
    check: bodyIs(HIDDEN),
  },
  {
    name: 'a chunked body that holds a last chunk and a request',
    bytes: chunked(`${(5 + HIDDEN.length).toString(16)}\r\n0\r\n\r\n${HIDDEN}\r\n0\r\n\r\n`),
    expect: 'forwarded-once',
    check: bodyIs(`0\r\n\r\n${HIDDEN}`),
  },
  {
    name: 'Connection naming Content-Length',
    bytes: post('Content-Length: 5\r\nConnection: Content-Length\r\n', 'hello'),
    expect: 'forwarded-once',
    check: bodyIs('hello'),
  },
  {
    name: 'more headers than any limit, hiding Content-Length',
    bytes: post(`${'X:\r\n'.repeat(2100)}Content-Length: 5\r\n`, 'hello'),
    expect: '4xx',
  },
  // Chunked framing.
  { name: 'chunk size not hex', bytes: chunked('zz\r\nabc\r\n0\r\n\r\n'), expect: 'cut' },
  { name: 'chunk size negative', bytes: chunked('-3\r\nabc\r\n0\r\n\r\n'), expect: 'cut' },
  { name: 'chunk size with 0x', bytes: chunked('0x3\r\nabc\r\n0\r\n\r\n'), expect: 'cut' },
  { name: 'chunk size with trailing space', bytes: chunked('3 \r\nabc\r\n0\r\n\r\n'), expect: 'cut' },
  { name: 'chunk size that overflows 64 bits', bytes: chunked('1FFFFFFFFFFFFFFFF\r\nabc\r\n0\r\n\r\n'), expect: 'cut' },
  { name: 'chunk extension of 20 KB', bytes: chunked(`3;${'a'.repeat(20_000)}\r\nabc\r\n0\r\n\r\n`), expect: 'cut' },
  { name: 'chunk extension ending in a bare LF', bytes: chunked('3;a\nxx\r\nabc\r\n0\r\n\r\n'), expect: 'cut' },
  { name: 'chunk lines ending in bare LF', bytes: chunked('3\nabc\n0\n\n'), expect: 'cut' },
  { name: 'chunk data longer than its size', bytes: chunked('3\r\nabcX\r\n0\r\n\r\n'), expect: 'cut' },
  // Header syntax.
  { name: 'obs-fold continuation line', bytes: get(`${H}X-A: 1\r\n folded\r\n`), expect: '4xx' },
  { name: 'bare LF line endings', bytes: `GET /smuggle HTTP/1.1\nHost: localhost\n\n`, expect: ['4xx', 'forwarded-once'] },
  { name: 'bare CR inside the head', bytes: get(`X-A: a\rb\r\n${H}`), expect: '4xx' },
  { name: 'NUL in a header value', bytes: get(`X-A: a\0b\r\n${H}`), expect: '4xx' },
  { name: 'NUL in a header name', bytes: get(`X\0A: 1\r\n${H}`), expect: '4xx' },
  { name: 'space before the colon', bytes: get('Host : localhost\r\n'), expect: '4xx' },
  { name: 'header name with invalid token characters', bytes: get(`X(A): 1\r\n${H}`), expect: '4xx' },
  { name: 'header section larger than 16 KB', bytes: get(`${H}X-Big: ${'a'.repeat(20_000)}\r\n`), expect: '4xx' },
  // Request line and target.
  {
    name: 'request line with extra spaces',
    bytes: get(H, 'GET  /smuggle  HTTP/1.1'),
    expect: ['4xx', 'forwarded-once'],
    check: (r) => (r.url === '/smuggle' ? undefined : `target ${r.url}`),
  },
  { name: 'request line with a trailing space', bytes: get(H, 'GET /smuggle HTTP/1.1 '), expect: '4xx' },
  { name: 'lowercase method', bytes: get(H, 'get /smuggle HTTP/1.1'), expect: '4xx' },
  { name: 'HTTP/0.9 request line without a version', bytes: 'GET /smuggle\r\n\r\n', expect: ['4xx', 'close'] },
  { name: 'HTTP/2.0 in an HTTP/1 request line', bytes: get(H, 'GET /smuggle HTTP/2.0'), expect: ['505', '4xx'] },
  { name: 'fragment in the target', bytes: get(H, 'GET /smuggle#x HTTP/1.1'), expect: '4xx' },
  {
    name: 'absolute-form target pointing elsewhere',
    bytes: get(H, 'GET http://elsewhere.example/x HTTP/1.1'),
    expect: ['forwarded-once', '4xx'],
    check: (r) =>
      r.url === '/x' && valuesOf(r, 'host').join() === 'elsewhere.example'
        ? undefined
        : `target ${r.url}, Host ${valuesOf(r, 'host').join(' | ')}`,
  },
  { name: 'asterisk target with GET', bytes: get(H, 'GET * HTTP/1.1'), expect: '4xx' },
  { name: 'CONNECT to another host', bytes: get(H, 'CONNECT elsewhere.example:443 HTTP/1.1'), expect: ['close', '4xx'] },
  // Host and hop-by-hop.
  { name: 'two Host lines', bytes: get(`${H}Host: elsewhere.example\r\n`), expect: '4xx' },
  { name: 'Host as a list', bytes: get('Host: localhost, elsewhere.example\r\n'), expect: '4xx' },
  { name: 'no Host in HTTP/1.1', bytes: get(''), expect: '4xx' },
  {
    name: 'h2c upgrade',
    bytes: get(`${H}Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\nConnection: Upgrade, HTTP2-Settings\r\n`),
    expect: 'forwarded-once',
    check: absent('upgrade', 'http2-settings'),
  },
  {
    name: 'client identity in underscore and odd-case spellings',
    bytes: get(
      `${H}X_Forwarded_For: 6.6.6.6\r\nx-forwarded_host: evil\r\nFORWARDED: for=6.6.6.6\r\nX-Real-IP: 6.6.6.6\r\nx_real_ip: 6.6.6.6\r\n`,
    ),
    expect: 'forwarded-once',
    check: (r) =>
      r.rawHeaders.some((v, i) => i % 2 === 1 && /6\.6\.6\.6|evil/.test(v)) ? 'a client-sent identity reached the app' : undefined,
  },
];

export interface Recorder {
  port: number;
  /** Every request the app got, in order; complete once its body ended. */
  requests: Recorded[];
  /** Every byte the app received, on all connections, in arrival order. */
  bytes(): Buffer;
  /** Requests the app's own parser refused (a connection closed mid-request is not one: that is a cut). */
  parseErrors(): number;
  /** Resolves once the app has reported everything that happened to it before this call. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A strict HTTP app on 127.0.0.1 that records requests and raw bytes, and answers 200 `recorded`. It runs
 * in a Node process of its own (recorder-app.ts), so that what it parses and refuses is llhttp's verdict
 * whatever runtime the tests run on; call settle() before reading what it recorded.
 */
export async function startRecorder(): Promise<Recorder> {
  const requests: Recorded[] = [];
  const chunks: Buffer[] = [];
  const pongs: (() => void)[] = [];
  let parseErrors = 0;
  const child = spawn('node', [fileURLToPath(new URL('./recorder-app.js', import.meta.url))], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the recording app exited with ${code} before it listened`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = JSON.parse(line) as {
        port?: number;
        data?: string;
        req?: { i: number; method: string; url: string; rawHeaders: string[] };
        end?: { i: number; body: string };
        perr?: string;
        pong?: true;
      };
      if (m.port) resolve(m.port);
      else if (m.data) chunks.push(Buffer.from(m.data, 'base64'));
      else if (m.req) requests[m.req.i] = { ...m.req, body: Buffer.alloc(0), complete: false };
      else if (m.end) Object.assign(requests[m.end.i]!, { body: Buffer.from(m.end.body, 'base64'), complete: true });
      else if (m.perr) parseErrors++;
      else if (m.pong) pongs.shift()?.();
    });
  });
  return {
    port,
    requests,
    bytes: () => Buffer.concat(chunks),
    parseErrors: () => parseErrors,
    settle: () =>
      new Promise<void>((r) => {
        pongs.push(r);
        child.stdin!.write('\n');
      }),
    close: async () => {
      child.stdin!.end();
      await exited;
    },
  };
}

export interface CaseResult {
  name: string;
  outcome: string;
  ok: boolean;
  detail?: string;
}

/** What one exchange amounted to, from the client's answer and what the app got meanwhile. */
function outcomeOf(status: number | undefined, seen: Recorded[], bytes: number, parseErrors: number): string {
  const refusal = status === undefined || (status >= 400 && status < 500);
  if (parseErrors > 0) return `unsafe: the app could not parse what it got (${parseErrors} parse errors)`;
  if (seen.length > 1) return `unsafe: the app got ${seen.length} requests (${seen.map((r) => `${r.method} ${r.url}`).join(', ')})`;
  if (seen[0]?.complete)
    return status !== undefined && status < 300 && status >= 200
      ? 'forwarded-once'
      : `unsafe: forwarded, but the client got ${status ?? 'no answer'}`;
  if (seen.length === 1 || bytes > 0) return refusal ? 'cut' : `unsafe: part of it reached the app and the client got ${status}`;
  if (status === undefined) return 'close';
  if (status >= 400 && status < 500) return '4xx';
  return String(status);
}

/** Runs the cases one connection each; one result per case. A case is ok when its outcome is expected and its check passes. */
export async function runSmuggling(e: Endpoint, app: Recorder, cases: readonly SmugglingCase[] = SMUGGLING): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const [i, c] of cases.entries()) {
    const first = app.requests.length,
      bytes0 = app.bytes().length,
      errors0 = app.parseErrors();
    const answer = await rawExchange(e, Buffer.from(c.bytes, 'latin1'));
    const sentinel = `/__sentinel/${i}`;
    const after = await rawExchange(e, `GET ${sentinel} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`);
    await app.settle();
    // What the app got for the case is everything before the sentinel's request line, late bytes included.
    const all = app.bytes(),
      at = all.indexOf(`GET ${sentinel} `, bytes0);
    const bytes = (at < 0 ? all.length : at) - bytes0;
    const until = app.requests.findIndex((r, j) => j >= first && r.url === sentinel);
    const seen = app.requests.slice(first, until < 0 ? undefined : until);
    const outcome = outcomeOf(answer.status, seen, bytes, app.parseErrors() - errors0);
    const expected = typeof c.expect === 'string' ? [c.expect] : c.expect;
    // A refusal before anything reached the app is at least as safe as a cut.
    const fits = expected.includes(outcome as Outcome) || (expected.includes('cut') && (outcome === '4xx' || outcome === 'close'));
    let detail = fits ? undefined : `expected ${expected.join(' or ')}`;
    if (!detail && outcome === 'forwarded-once') detail = c.check?.(seen[0]!);
    if (!detail && (after.status !== 200 || until < 0))
      detail = `the listener did not serve the next request (got ${after.status ?? 'no answer'})`;
    results.push({ name: c.name, outcome, ok: !detail, detail });
  }
  return results;
}
