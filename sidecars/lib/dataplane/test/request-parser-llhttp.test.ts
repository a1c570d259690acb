// The client-facing parser is at least as strict as llhttp: on thousands of generated request heads, built
// from the grammar and then broken in the ways smuggling attacks break it, every head that request-parser.ts
// and forwarded.ts accept is accepted by llhttp too, and read the same (method, target, header lines). The
// oracle is Node's own parser in a Node process (llhttp-oracle.ts), whatever runtime these tests run on.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseTarget } from '../../http.js';
import { HttpError } from '../../http.js';
import { requestHead } from '../forwarded.js';
import { headEnd, parseHead } from '../request-parser.js';

type Verdict = { ok: true; method: string; url: string; headers: string[] } | { ok: false; code: string };

/** llhttp's verdicts on the inputs, in order. */
async function llhttp(inputs: Buffer[]): Promise<Verdict[]> {
  const child = spawn('node', [fileURLToPath(new URL('./llhttp-oracle.js', import.meta.url))], { stdio: ['pipe', 'pipe', 'inherit'] });
  const out: Verdict[] = [];
  const done = new Promise<void>((resolve) =>
    createInterface({ input: child.stdout }).on('line', (l) => {
      out.push(JSON.parse(l) as Verdict);
      if (out.length === inputs.length) resolve();
    }),
  );
  child.stdin.end(inputs.map((b) => `${b.toString('base64')}\n`).join(''));
  await done;
  return out;
}

/** Ours: the head as the proxy reads it, or undefined when it is refused (or not complete). */
function ours(input: Buffer): { method: string; url: string; headers: string[] } | undefined {
  try {
    const end = headEnd(input);
    if (end < 0) return undefined;
    const req = parseHead(input, end);
    requestHead(req, parseTarget(req.method, req.target), '127.0.0.1', 8443, 'app:8080');
    return { method: req.method, url: req.target, headers: req.rawHeaders };
  } catch {
    return undefined;
  }
}

const pick = <T>(...xs: T[]) => fc.constantFrom(...xs);
const bytes = (chars: string, max: number) => fc.string({ unit: fc.constantFrom(...chars.split('')), maxLength: max });
const TCHAR = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const NASTY = ' \t\r\n\0\x01\x0b\x7f\x80\xff:;,"()/[]{}<>=?@\\';
const method = fc.oneof(
  pick('GET', 'POST', 'PUT', 'HEAD', 'OPTIONS', 'DELETE', 'PATCH', 'CONNECT', 'get', 'GeT', 'FOO', 'G ET', ''),
  bytes(TCHAR + NASTY, 6),
);
const target = fc.oneof(
  pick('/', '/a?b=c', '*', 'http://h/p', 'h:80', '//x', '/%zz', '/a b', '/\x7f', '/\x80', ''),
  bytes(`${TCHAR}/?#%[]@:${NASTY}`, 12).map((s) => `/${s}`),
);
const version = pick('HTTP/1.1', 'HTTP/1.0', 'HTTP/0.9', 'HTTP/2.0', 'HTTP/1.10', 'http/1.1', 'HTTP/1', 'HTTP/1.1 ', '');
const sp = pick(' ', ' ', ' ', '  ', '\t', '');
const eol = pick('\r\n', '\r\n', '\r\n', '\r\n', '\n', '\r', '\r\r\n');
const name = fc.oneof(
  pick('Host', 'Content-Length', 'Transfer-Encoding', 'Connection', 'X-A', 'host', 'Content-length', 'Expect', 'Upgrade'),
  bytes(TCHAR + NASTY, 8),
);
const value = fc.oneof(
  pick(
    'localhost',
    'a.example:8080',
    '0',
    '5',
    '10',
    '-1',
    '+5',
    '1,1',
    ' 5',
    'chunked',
    'gzip, chunked',
    'chunked, gzip',
    'close',
    'keep-alive',
    '100-continue',
    '',
  ),
  bytes(`${TCHAR} \t${NASTY}`, 12),
);
const field = fc
  .tuple(pick('', '', '', ' ', '\t'), name, pick(':', ':', ': ', ' :', ':\t', ''), value, pick('', '', ' ', '\t'), eol)
  .map((p) => p.join(''));
const head = fc
  .tuple(
    pick('', '', '', '\r\n'),
    method,
    sp,
    target,
    sp,
    version,
    eol,
    fc.array(field, { maxLength: 6 }),
    pick('\r\n', '\r\n', '\n', '\r\n\r\n', ''),
  )
  .map(([pre, m, s1, t, s2, v, e, fields, end]) => Buffer.from(`${pre}${m}${s1}${t}${s2}${v}${e}${fields.join('')}${end}`, 'latin1'));
const goodField = fc
  .tuple(
    bytes(TCHAR, 8).filter((n) => n.length > 0 && !/^(host|content-length|transfer-encoding)$/i.test(n)),
    pick(': ', ':', ':\t'),
    bytes(`${TCHAR} \t\x80\xe9\xff"(),;`, 12),
  )
  .map(([n, c, v]) => `${n}${c}${v}\r\n`);
/** Mostly well-formed heads with a Host, so that many are accepted and compared field by field. */
const good = fc
  .tuple(
    pick('GET', 'POST', 'HEAD', 'PUT'),
    pick('/', '/a/b?c=d', '/x%20y'),
    fc.array(fc.oneof(goodField, goodField, field), { maxLength: 5 }),
    pick('', 'Content-Length: 3\r\n', 'Transfer-Encoding: chunked\r\n'),
  )
  .map(([m, t, fields, framing]) => Buffer.from(`${m} ${t} HTTP/1.1\r\nHost: localhost\r\n${fields.join('')}${framing}\r\n`, 'latin1'));

const test = suite('request heads against llhttp');

test('every head the proxy accepts, llhttp accepts and reads the same; the proxy refuses at least what llhttp refuses', async () => {
  const seed = Date.now();
  const inputs = [...fc.sample(head, { numRuns: 3000, seed }), ...fc.sample(good, { numRuns: 1000, seed: seed + 1 })];
  // Both judge the same bytes: the first head as the proxy delimits it (what follows would be the next request).
  const firstHead = (b: Buffer) => {
    try {
      const end = headEnd(b);
      return end < 0 ? b : b.subarray(0, end);
    } catch {
      return b;
    }
  };
  const verdicts = await llhttp(inputs.map(firstHead));
  let accepted = 0,
    refusedByBoth = 0;
  for (const [i, input] of inputs.entries()) {
    const mine = ours(input);
    const theirs = verdicts[i]!;
    if (!mine) {
      if (!theirs.ok) refusedByBoth++;
      continue;
    }
    accepted++;
    const shown = JSON.stringify(input.toString('latin1'));
    assert.ok(theirs.ok, `seed ${seed}: the proxy accepts ${shown}, llhttp refuses it (${theirs.ok ? '' : theirs.code})`);
    if (theirs.ok)
      assert.equal(
        { method: mine.method, url: mine.url, headers: mine.headers },
        { method: theirs.method, url: theirs.url, headers: theirs.headers },
        shown,
      );
  }
  // The generators must exercise both sides, or the property says nothing.
  assert.ok(accepted > 300, `only ${accepted} of ${inputs.length} heads were accepted`);
  assert.ok(refusedByBoth > 1000, `only ${refusedByBoth} heads were refused by both`);
});

/** A Content-Length near a boundary: 2^53, 2^64, 10^20 or the limit, a few off, with leading zeros or not. */
const lengthNear = (limit: bigint) =>
  fc
    .tuple(fc.constantFrom(2n ** 53n, 2n ** 64n, 10n ** 20n, limit, 0n), fc.integer({ min: -3, max: 3 }), fc.nat({ max: 3 }))
    .filter(([base, off]) => base + BigInt(off) >= 0n)
    .map(([base, off, zeros]) => `${'0'.repeat(zeros)}${base + BigInt(off)}`);

test('lengths near and past 2^53 and 2^64 are read exactly as llhttp reads them; the one difference is a 413 above --max-body-bytes', async () => {
  for (const limit of [BigInt(Number.MAX_SAFE_INTEGER), 1000n]) {
    const values = fc.sample(lengthNear(limit), { numRuns: 400, seed: Date.now() });
    const heads = values.map((v) => Buffer.from(`POST /up HTTP/1.1\r\nHost: localhost\r\nContent-Length: ${v}\r\n\r\n`, 'latin1'));
    const verdicts = await llhttp(heads);
    let refusedAbove = 0;
    for (const [i, v] of values.entries()) {
      const exact = BigInt(v);
      const theirs = verdicts[i]!;
      const req = parseHead(heads[i]!, headEnd(heads[i]!));
      let mine: { length: number; head: string } | HttpError;
      try {
        mine = requestHead(req, parseTarget(req.method, req.target), '127.0.0.1', 8443, 'app:8080', { maxBody: Number(limit) });
      } catch (e) {
        mine = e as HttpError;
      }
      // llhttp reads any length below 2^64 exactly, and refuses the rest.
      assert.is(theirs.ok, exact < 2n ** 64n, `llhttp on ${v}`);
      if (mine instanceof HttpError) {
        assert.equal([v, mine.status, exact > limit], [v, 413, true], 'the only refusal is a 413 above the limit');
        if (theirs.ok) refusedAbove++;
        continue;
      }
      assert.ok(theirs.ok, `we accept ${v}, llhttp refuses it`);
      assert.is(BigInt(mine.length), exact, `the length we count for ${v}`);
      assert.match(mine.head, `\r\nContent-Length: ${exact}\r\n`, `the length the app reads for ${v}`);
    }
    assert.ok(refusedAbove > 0, `limit ${limit}: no length above the limit that llhttp reads was generated`);
  }
});

test.run();
