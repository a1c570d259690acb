import { createHash } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FINGERPRINT_BYTES, fingerprintOf } from '../src/identity.js';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex').slice(0, 16);

test('a fingerprint is the first 16 hex digits of the SHA-256 of the first line, as registries written before hold', () => {
  const head = Buffer.from('{"level":"info","msg":"first"}\n{"msg":"second"}\n');
  const line = head.subarray(0, head.indexOf(0x0a) + 1);
  assert.is(fingerprintOf(head), sha(line));
  // sha256sum of that line, as a registry written by any version of log-shipper holds it.
  assert.is(fingerprintOf(head), '2cc96013826e8760');
});

test('a first line longer than FINGERPRINT_BYTES is fingerprinted by its first FINGERPRINT_BYTES bytes', () => {
  const head = Buffer.alloc(FINGERPRINT_BYTES + 10, 0x61);
  assert.is(fingerprintOf(head), sha(head.subarray(0, FINGERPRINT_BYTES)));
});

test('a file whose first line is not complete yet has no fingerprint', () => {
  assert.is(fingerprintOf(Buffer.from('no newline yet')), undefined);
});

test.run();
