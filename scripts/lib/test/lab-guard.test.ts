// The lab's admission rules as a function of the request: any Host but the two loopback names with the
// lab's port, any foreign Origin, and any token but the one printed are refused with 403, whatever they hold.
import type { IncomingMessage } from 'node:http';
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { HttpError } from '../../../sidecars/lib/http.js';
import { admit, newToken, sameToken } from '../lab/guard.js';

const test = suite('lab: guard');
const PORT = 4321;
const TOKEN = newToken();

const request = (headers: Record<string, string>, method = 'GET') => ({ method, headers }) as unknown as IncomingMessage;
const status = (headers: Record<string, string>, path = '/api/stacks', method = 'GET') => {
  try {
    admit(request(headers, method), new URL(path, 'http://x'), PORT, TOKEN);
    return 200;
  } catch (e) {
    assert.instance(e, HttpError);
    return (e as HttpError).status;
  }
};
const good = { host: `127.0.0.1:${PORT}`, authorization: `Bearer ${TOKEN}` };

test('a token is 64 hex digits (256 bits) and new each time', () => {
  const tokens = new Set(Array.from({ length: 50 }, newToken));
  assert.equal(tokens.size, 50);
  assert.ok([...tokens].every((t) => /^[0-9a-f]{64}$/.test(t)));
});

test('any Host other than 127.0.0.1:PORT or localhost:PORT is refused, whatever else the request holds', () => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.string(),
        fc.domain(),
        fc.constantFrom('127.0.0.1', 'localhost', `[::1]:${PORT}`, `127.0.0.1:${PORT} `, `LOCALHOST:${PORT}`),
      ),
      (host) => {
        fc.pre(host !== `127.0.0.1:${PORT}` && host !== `localhost:${PORT}`);
        assert.equal(status({ ...good, host }), 403);
      },
    ),
    { numRuns: 1000 },
  );
  assert.equal([status(good), status({ ...good, host: `localhost:${PORT}` })], [200, 200]);
});

test('any token but the printed one is refused, in the header or in the page URL', () => {
  fc.assert(
    fc.property(fc.string(), (t) => {
      fc.pre(t !== TOKEN);
      assert.equal(status({ ...good, authorization: `Bearer ${t}` }), 403);
      assert.equal(status({ host: good.host }, `/?token=${encodeURIComponent(t)}`), 403);
      assert.equal(sameToken(t, TOKEN), false);
    }),
    { numRuns: 1000 },
  );
  assert.equal(status({ host: good.host }, `/?token=${TOKEN}`), 200, 'the page may carry it in its URL');
  assert.equal(status({ host: good.host }, `/?token=${TOKEN}`, 'POST'), 403, 'but only a GET of the page');
  assert.equal(status({ host: good.host }, `/api/stacks?token=${TOKEN}`), 403, 'and no API call');
});

test('any Origin but the lab’s own two is refused, and no Origin at all is accepted', () => {
  fc.assert(
    fc.property(fc.oneof(fc.webUrl(), fc.string(), fc.constant('null'), fc.constant(`https://127.0.0.1:${PORT}`)), (origin) => {
      fc.pre(origin !== `http://127.0.0.1:${PORT}` && origin !== `http://localhost:${PORT}`);
      assert.equal(status({ ...good, origin }), 403);
    }),
    { numRuns: 500 },
  );
  assert.equal([status({ ...good, origin: `http://localhost:${PORT}` }), status(good)], [200, 200]);
});

test.run();
