// When the timeouts start and what they lead to: from the end of the request (a slow upload is not a slow
// app), and a try the overall deadline ends still counts for ejection.
import { connect } from 'node:net';
import * as assert from 'uvu/assert';
import { meshSuite, within } from './mesh.js';

const test = meshSuite('when timeouts start');

/** Sends a raw request to the outbound port; write() gets the socket to go on with; resolves with all it got back. */
function raw(port: number, write: (s: import('node:net').Socket) => void): Promise<string> {
  return within(
    10_000,
    'the answer to a raw request',
    new Promise((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port, allowHalfOpen: true }, () => write(s));
      let got = '';
      s.on('data', (c: Buffer) => {
        got += c.toString('latin1');
      });
      s.once('end', () => {
        s.end();
        resolve(got);
      });
      s.once('error', reject);
    }),
  );
}

test('a POST whose body takes longer than --per-try-timeout and --timeout to arrive is answered 200: the clock starts at its end', async ({
  mesh,
}) => {
  const fe = await mesh.frontend(['--per-try-timeout', '200ms', '--timeout', '300ms']);
  const got = await raw(fe.port, (s) => {
    s.write('POST /upload HTTP/1.1\r\nHost: backend\r\nContent-Length: 4\r\nConnection: close\r\n\r\nab');
    // The client's pace is the input here: the rest of the body comes after both timeouts would have run out.
    setTimeout(() => s.write('cd'), 600);
  });
  assert.match(got, /^HTTP\/1\.1 200 /);
  assert.is(
    mesh.apps.reduce((n, a) => n + a.count('POST'), 0),
    1,
    'the app got the POST once',
  );
  assert.is(fe.metric('requests_total', { direction: 'outbound', code: '2xx' }), 1);
});

test('tries the overall deadline ends count toward ejection, as per-try timeouts do', async ({ mesh }) => {
  const fe = await mesh.frontend(['--timeout', '200ms', '--per-try-timeout', '5s', '--outlier-consecutive5xx', '2']);
  mesh.apps[0]!.mode = 'hang';
  const statuses: number[] = [];
  // One at a time, round robin: the hanging endpoint's turn comes every third request until it is ejected.
  for (let i = 0; i < 9; i++) {
    const got = await raw(fe.port, (s) => s.write('GET / HTTP/1.1\r\nHost: backend\r\nConnection: close\r\n\r\n'));
    statuses.push(Number(got.slice(9, 12)));
  }
  assert.is(statuses.filter((s) => s === 504).length, 2, `statuses ${statuses.join(' ')}`);
  assert.is(fe.metric('outlier_ejections_total', { destination: 'backend' }), 1);
  assert.is(mesh.apps[0]!.seen.length, 2, 'no request reached the hanging endpoint once it was ejected');
});

test.run();
