// SPIFFE IDs, the ID a peer's certificate carries, and --allow. A certificate's SAN text and the allow
// list are parsed from outside input: whatever the text, the result is an ID or nothing (a list or a
// RuleError), and a valid list is written back by show() in a form read again as the same value.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { RuleError } from '../../lib/params.js';
import { thrownMessage } from '../../lib/test-support/basics.js';
import { allowedIds, allowList, certSpiffeId, isSpiffeId } from '../src/spiffe.js';
import { listish, NAME, outcome, serviceName, spiffe } from './arbitraries.js';
import { makeMeshPki } from './pki.js';

const test = suite('SPIFFE IDs and --allow');

const allow = allowList({ description: '' });

test('a well-formed SPIFFE ID is one: lower-case trust domain, then one or more non-empty path segments', () => {
  for (const id of ['spiffe://sidecar-lab/test/backend', 'spiffe://a/b', 'spiffe://example.org/ns/Prod_1/svc-2.x'])
    assert.ok(isSpiffeId(id), id);
  const bad = [
    'spiffe://sidecar-lab',
    'spiffe://sidecar-lab/',
    'spiffe://Sidecar/a',
    'spiffe:///a',
    'spiffe://td/a//b',
    'spiffe://td/a/',
    'spiffe://td/../a',
    'spiffe://td/a/.',
    'spiffe://td/a b',
    'spiffe://td/a?x=1',
    'spiffe://td/a#f',
    'spiffe://us@td/a',
    'spiffe://td:443/a',
    'SPIFFE://td/a',
    'https://td/a',
    '',
  ];
  for (const id of bad) assert.not.ok(isSpiffeId(id), id);
});

test("a certificate's SPIFFE ID is its one spiffe:// URI SAN; none, several, or a malformed one give no ID", () => {
  assert.is(certSpiffeId('URI:spiffe://td/ns/a, DNS:a'), 'spiffe://td/ns/a');
  assert.is(certSpiffeId('DNS:a, URI:https://example.org/x, URI:spiffe://td/ns/a'), 'spiffe://td/ns/a', 'other URIs do not count');
  assert.is(certSpiffeId(undefined), undefined);
  assert.is(certSpiffeId(''), undefined);
  assert.is(certSpiffeId('DNS:backend, IP Address:127.0.0.1'), undefined, 'DNS only');
  assert.is(certSpiffeId('URI:spiffe://td/ns/a, URI:spiffe://td/ns/b'), undefined, 'two IDs: which one is meant is unknown');
  assert.is(certSpiffeId('URI:spiffe://td/ns/a, URI:spiffe://td/ns/a'), undefined, 'the same ID twice is still two SANs');
  assert.is(certSpiffeId('URI:spiffe://TD/ns/a'), undefined);
  // Node quotes a SAN value with a comma in it; the quoted text must not be read as a second SAN.
  assert.is(certSpiffeId('URI:"spiffe://td/ns/a,URI:spiffe://td/ns/admin"'), undefined);
});

test('any SAN text gives no ID or one well-formed SPIFFE ID that is in the text', () => {
  const san = fc.oneof(
    fc.string(),
    fc
      .array(
        fc.oneof(
          fc.string(),
          spiffe.map((id) => `URI:${id}`),
          fc.constant(', '),
        ),
      )
      .map((a) => a.join('')),
  );
  fc.assert(
    fc.property(san, (text) => {
      const id = certSpiffeId(text);
      if (id !== undefined) {
        assert.ok(isSpiffeId(id), id);
        assert.ok(text.includes(`URI:${id}`), id);
      }
    }),
    { numRuns: 2000 },
  );
});

const otherName = fc.oneof(
  serviceName.map((n) => `DNS:${n}`),
  fc.ipV4().map((ip) => `IP Address:${ip}`),
  fc.webUrl().map((u) => `URI:${u}`),
  fc.emailAddress().map((e) => `email:${e}`),
);

test('a SAN list with exactly one spiffe:// URI among other names gives that ID, wherever it stands; two give none', () => {
  fc.assert(
    fc.property(fc.array(otherName, { maxLength: 6 }), spiffe, spiffe, fc.nat(), (others, id, second, at) => {
      const names = [...others];
      names.splice(at % (names.length + 1), 0, `URI:${id}`);
      assert.is(certSpiffeId(names.join(', ')), id);
      assert.is(certSpiffeId([...names, `URI:${second}`].join(', ')), undefined);
    }),
  );
});

test('certSpiffeId reads real certificates as the TLS layer shows them: one URI SAN, two, or none that is SPIFFE', () => {
  const pki = makeMeshPki();
  try {
    const san = (dir: string) => new X509Certificate(readFileSync(join(dir, 'tls.crt'))).subjectAltName;
    assert.is(certSpiffeId(san(pki.identity('backend'))), 'spiffe://sidecar-lab/test/backend');
    // The helper writes `URI:<uri>,DNS:<name>`: this uri makes a certificate with two URI SANs.
    assert.is(certSpiffeId(san(pki.identity('two', { uri: 'spiffe://sidecar-lab/test/a,URI:spiffe://sidecar-lab/test/b' }))), undefined);
    assert.is(certSpiffeId(san(pki.identity('web', { uri: 'https://example.org/web' }))), undefined);
  } finally {
    pki.cleanup();
  }
});

test('--allow: any text is either a list of service names and SPIFFE IDs or a RuleError', () => {
  fc.assert(
    fc.property(listish, (raw) => {
      const v = outcome(allow.parse, raw);
      if (v !== 'refused') for (const item of v) assert.ok(NAME.test(item) || isSpiffeId(item), item);
    }),
    { numRuns: 2000 },
  );
});

test('--allow: a valid list reads back as itself through show, whitespace and empty items aside', () => {
  fc.assert(
    fc.property(fc.uniqueArray(fc.oneof(serviceName, spiffe), { maxLength: 8 }), (list) => {
      assert.equal(allow.parse(allow.show(list)), list);
      assert.equal(allow.parse(` ${list.join(' , ')} ,`), list);
    }),
  );
});

test('--allow: a caller listed twice is kept once, empty means nobody, and a bad item is named', () => {
  assert.equal(allow.parse('frontend,frontend, frontend'), ['frontend']);
  assert.equal(allow.parse(''), []);
  assert.equal(allow.parse(' , '), []);
  assert.is(
    thrownMessage(RuleError, () => allow.parse('frontend,Front_End')),
    '"Front_End" is neither a service name nor a spiffe:// ID',
  );
  assert.is(
    thrownMessage(RuleError, () => allow.parse('spiffe://td')),
    '"spiffe://td" is neither a service name nor a spiffe:// ID',
  );
});

test("allowed IDs: a service name is an ID of the pod's own trust domain and namespace; an ID stays as it is", () => {
  assert.equal(
    [...allowedIds(['frontend', 'spiffe://other/ns/x'], 'sidecar-lab', 'shop')],
    ['spiffe://sidecar-lab/shop/frontend', 'spiffe://other/ns/x'],
  );
});

test.run();
