// The reader of client request heads, case by case: what it refuses, with which status, and what it keeps.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { HttpError } from '../../http.js';
import { headEnd, MAX_HEAD_BYTES, parseHead } from '../request-parser.js';

const test = suite('request heads');

/** The status a head is refused with, or the parsed head. */
function read(text: string) {
  const b = Buffer.from(text, 'latin1');
  try {
    const end = headEnd(b);
    return end < 0 ? 'incomplete' : parseHead(b, end);
  } catch (e) {
    assert.instance(e, HttpError);
    return (e as HttpError).status;
  }
}

test('a good head is read with its method, target, version and header lines, values trimmed', () => {
  assert.equal(read('\r\nGET /a?b HTTP/1.1\r\nHost: x\r\nX-A: \t v w \r\n\r\n'), {
    method: 'GET',
    target: '/a?b',
    httpVersionMajor: 1,
    httpVersionMinor: 1,
    rawHeaders: ['Host', 'x', 'X-A', 'v w'],
  });
});

test('a head is incomplete until its empty line, and past 16 KiB without one it gets a 431', () => {
  assert.is(read('GET / HTTP/1.1\r\nHost: x\r\n'), 'incomplete');
  assert.is(read(`GET / HTTP/1.1\r\nX: ${'a'.repeat(MAX_HEAD_BYTES)}`), 431);
});

test('bare LF, bare CR, obs-fold, a space before the colon and control characters get a 400', () => {
  for (const bad of [
    'GET / HTTP/1.1\nHost: x\n\n',
    'GET / HTTP/1.1\r\nHost: x\rY: z\r\n\r\n',
    'GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n',
    'GET / HTTP/1.1\r\nHost : x\r\n\r\n',
    'GET / HTTP/1.1\r\nHost: x\0\r\n\r\n',
    'GET  / HTTP/1.1\r\nHost: x\r\n\r\n',
  ]) {
    assert.is(read(bad), 400, JSON.stringify(bad));
  }
});

test('a tab after a framing header value gets a 400, as llhttp refuses it; after other values it is trimmed', () => {
  assert.is(read('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\t\r\n\r\n'), 400);
  assert.is(read('POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\t\r\n\r\n'), 400);
  assert.equal((read('GET / HTTP/1.1\r\nHost: x\r\nX-A: v\t\r\n\r\n') as { rawHeaders: string[] }).rawHeaders, ['Host', 'x', 'X-A', 'v']);
});

test('a lower-case method gets a 400 and a method llhttp does not know a 501', () => {
  assert.is(read('get / HTTP/1.1\r\nHost: x\r\n\r\n'), 400);
  assert.is(read('BREW / HTTP/1.1\r\nHost: x\r\n\r\n'), 501);
});

test.run();
