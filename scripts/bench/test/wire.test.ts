import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { getRequest, ResponseReader } from '../http-wire.js';
import { parseWrk } from '../wrk.js';

const test = suite('bench wire formats');

test('the response reader frames responses by Content-Length across reads', () => {
  const r = new ResponseReader();
  const whole = Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: 1024\r\n\r\n${'x'.repeat(1024)}`);
  assert.is(r.push(whole.subarray(0, 10)), undefined);
  assert.is(r.push(whole.subarray(10, 500)), undefined);
  assert.equal(r.push(whole.subarray(500)), { status: 200, bytes: whole.length });
  const next = Buffer.from('HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n');
  assert.equal(r.push(next), { status: 502, bytes: next.length });
});

test('the response reader refuses what it cannot frame', () => {
  assert.throws(
    () => new ResponseReader().push(Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n')),
    /without Content-Length/,
  );
  assert.throws(() => new ResponseReader().push(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nab')), /past the end/);
});

test('requests are HTTP/1.1 GETs, with Connection: close only when asked', () => {
  assert.is(getRequest('/1k').toString(), 'GET /1k HTTP/1.1\r\nHost: localhost\r\nUser-Agent: sidecar-lab-bench\r\n\r\n');
  assert.match(getRequest('/1k', true).toString(), /\r\nConnection: close\r\n\r\n$/);
});

test('wrk output is read for requests, duration, errors and percentiles', () => {
  const out = `Running 5s test @ https://127.0.0.1:8445/1k
  1 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     6.29ms    1.80ms  30.08ms   91.01%
    Req/Sec    10.23k   714.20    11.30k    78.00%
  Latency Distribution
     50%    6.05ms
     75%    6.51ms
     90%    7.37ms
     99%  850.00us
  50905 requests in 5.01s, 58.15MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:  10160.71
`;
  const r = parseWrk(out);
  assert.is(r.requests, 50905);
  assert.is(r.seconds, 5.01);
  assert.is(Math.round(r.perSecond), 10161);
  assert.is(r.errors, 7);
  assert.is(r.p50Ms, 6.05);
  assert.is(r.p99Ms, 0.85);
  assert.throws(() => parseWrk('unable to connect to 127.0.0.1:8445 Connection refused'), /no result/);
});

test.run();
