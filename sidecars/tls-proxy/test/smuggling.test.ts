// The shared hostile corpora against http mode: request smuggling and framing attacks, malformed
// targets, and arbitrary targets. The app behind records every byte it gets.
import fc from 'fast-check';
import * as assert from 'uvu/assert';
import { hostileRound, MALFORMED_TARGETS, rawExchange } from '../../lib/test-support/hostile.js';
import { runSmuggling, SMUGGLING } from '../../lib/test-support/smuggling.js';
import { httpsGet } from './fixtures.js';
import { recordedProxySuite } from './suites.js';

const test = recordedProxySuite('http mode: hostile requests', '0F0C');

test('every case of the smuggling corpus ends as it must, and the proxy serves the next request after each', async ({ app, endpoint }) => {
  const results = await runSmuggling(endpoint, app);
  assert.is(results.length, SMUGGLING.length);
  assert.equal(
    results.filter((r) => !r.ok).map((r) => `${r.name}: ${r.outcome}${r.detail ? ` (${r.detail})` : ''}`),
    [],
  );
});

test('every malformed target gets a 4xx or a close on the TLS port, nothing reaches the app, and the proxy still serves', async ({
  pki,
  app,
  proxy,
  endpoint,
}) => {
  const before = app.bytes().length;
  const statuses = await hostileRound(endpoint);
  assert.is(statuses.size, MALFORMED_TARGETS.length);
  assert.equal(
    [...statuses].filter(([, s]) => s !== undefined && (s < 400 || s > 499)),
    [],
  );
  assert.is(app.bytes().length, before);
  assert.is((await httpsGet(proxy.port, pki.ca, '/after')).status, 200);
});

const VISIBLE = Array.from({ length: 94 }, (_, i) => String.fromCharCode(0x21 + i));
const target = fc
  .tuple(
    fc.constantFrom('', '/', '/a/', '//', 'http://h', 'https://h:1', 'HTTP://h', '*'),
    fc.string({ unit: fc.constantFrom(...VISIBLE), maxLength: 40 }),
  )
  .map(([prefix, rest]) => prefix + rest)
  .filter((t) => t.length > 0);

/** The origin form a target must reach the app in. */
const originOf = (t: string) =>
  t === '*' || t.startsWith('/') ? t : (/^https?:\/\/[^/?#]*(.*)$/i.exec(t)?.[1] ?? '').replace(/^(?!\/)/, '/');

test('property: an arbitrary visible-ASCII target never gets a 5xx, and what reaches the app is its origin form', async ({
  pki,
  app,
  proxy,
  endpoint,
}) => {
  await fc.assert(
    fc.asyncProperty(fc.constantFrom('GET', 'POST', 'OPTIONS'), target, async (method, t) => {
      const first = app.requests.length;
      const r = await rawExchange(endpoint, `${method} ${t} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`);
      await app.settle();
      const got = app.requests.slice(first);
      if (r.status === 200) {
        assert.is(got.length, 1);
        assert.is(got[0]!.url, originOf(t));
        assert.ok(got[0]!.url === '*' ? method === 'OPTIONS' : /^\/(?!\/)/.test(got[0]!.url), got[0]!.url);
      } else {
        assert.ok(r.status !== undefined && r.status >= 400 && r.status < 500, `${method} ${t}: ${r.status}`);
        assert.is(got.length, 0);
      }
    }),
    { numRuns: 200 },
  );
  assert.is((await httpsGet(proxy.port, pki.ca, '/still-serving')).status, 200);
});

test.run();
