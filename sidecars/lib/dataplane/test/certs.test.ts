import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { thrownMessage } from '../../test-support/basics.js';
import { loadPair, rawFingerprint, watchFiles } from '../certs.js';
import { type Issued, makePki, type Pki, replaceFile } from '../../test-support/pki.js';
import { quietFor, until } from '../../test-support/wait.js';

interface Ctx {
  pki: Pki;
  a: Issued;
  b: Issued;
}
const test = suite<Ctx>('certs', {} as Ctx);

test.before((ctx) => {
  ctx.pki = makePki();
  ctx.a = ctx.pki.issue('a', '0A01');
  ctx.b = ctx.pki.issue('b', '0B02');
});
test.after((ctx) => ctx.pki.cleanup());

/** Makes directory `name` in the PKI's directory and writes these files into it; returns each file's path. */
function filesIn<K extends string>(pki: Pki, name: string, files: Record<K, string>): Record<K, string> {
  const dir = join(pki.dir, name);
  mkdirSync(dir);
  const paths = {} as Record<K, string>;
  for (const [file, content] of Object.entries(files) as [K, string][]) {
    paths[file] = join(dir, file);
    writeFileSync(paths[file], content);
  }
  return paths;
}

/** The message loadPair throws; fails the test when it loads. */
const loadError = (cert: string, key: string, now?: Date) => thrownMessage(Error, () => loadPair(cert, key, now));

test('a good pair loads with its serial in upper-case hex, its subject and its expiry', ({ a }) => {
  const pair = loadPair(a.cert, a.key);
  assert.is(pair.serial, '0A01');
  assert.is(pair.subject, 'CN=localhost');
  const inHours = (pair.notAfter.getTime() - Date.now()) / 3_600_000;
  assert.ok(inHours > 23 && inHours <= 24.1, `issued for one day, expires in ${inHours}h`);
  assert.equal(pair.cert, readFileSync(a.cert));
  assert.equal(pair.key, readFileSync(a.key));
  assert.match(pair.fingerprint, /^[0-9a-f]{64}$/);
});

test('the fingerprint tells pairs apart and is stable for the same files', ({ a, b }) => {
  assert.is(loadPair(a.cert, a.key).fingerprint, loadPair(a.cert, a.key).fingerprint);
  assert.is.not(loadPair(a.cert, a.key).fingerprint, loadPair(b.cert, b.key).fingerprint);
});

test('a key that does not belong to the certificate is refused', ({ a, b }) => {
  assert.is(loadError(a.cert, b.key), `${b.key} does not match the certificate in ${a.cert}`);
});

test('a certificate file that is not PEM is refused', ({ pki, a }) => {
  const garbage = join(pki.dir, 'garbage.crt');
  writeFileSync(garbage, '-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n');
  assert.is(loadError(garbage, a.key), `${garbage} is not a PEM certificate`);
});

test('a key file that is not a private key is refused', ({ pki, a }) => {
  const garbage = join(pki.dir, 'garbage.key');
  writeFileSync(garbage, 'hello\n');
  assert.is(loadError(a.cert, garbage), `${garbage} is not a PEM private key`);
  // A certificate is not a key either.
  assert.is(loadError(a.cert, a.cert), `${a.cert} is not a PEM private key`);
});

test('a missing file is refused with the error code', ({ pki, a }) => {
  const missing = join(pki.dir, 'missing.crt');
  assert.is(loadError(missing, a.key), `cannot read certificate ${missing}: ENOENT`);
  assert.is(loadError(a.cert, missing), `cannot read key ${missing}: ENOENT`);
});

test('an expired certificate is refused with its expiry date', ({ a }) => {
  const notAfter = loadPair(a.cert, a.key).notAfter;
  const later = new Date(notAfter.getTime() + 1000);
  assert.is(loadError(a.cert, a.key, later), `certificate ${a.cert} expired on ${notAfter.toISOString()}`);
});

test('the raw fingerprint changes when a file changes or disappears, and only then', ({ pki }) => {
  const { one: f1, two: f2 } = filesIn(pki, 'raw', { one: 'one', two: 'two' });
  const first = rawFingerprint([f1, f2]);
  assert.is(rawFingerprint([f1, f2]), first);
  writeFileSync(f2, 'TWO');
  const second = rawFingerprint([f1, f2]);
  assert.is.not(second, first);
  rmSync(f2);
  const gone = rawFingerprint([f1, f2]);
  assert.is.not(gone, second);
  assert.is(rawFingerprint([f1, f2]), gone);
  // The same bytes split differently across files are a different fingerprint.
  writeFileSync(f1, 'ab');
  writeFileSync(f2, '');
  const x = rawFingerprint([f1, f2]);
  writeFileSync(f1, 'a');
  writeFileSync(f2, 'b');
  assert.is.not(rawFingerprint([f1, f2]), x);
});

test('a rename into the watched directory calls back once, debounced, as a file change', async ({ pki }) => {
  const { 'tls.crt': cert, 'tls.key': key } = filesIn(pki, 'watched', { 'tls.crt': 'c', 'tls.key': 'k' });
  const calls: string[] = [];
  const stop = watchFiles([cert, key], 3_600_000, (reason) => calls.push(reason));
  try {
    replaceFile(cert, 'c2');
    replaceFile(key, 'k2');
    await until('a file change callback', () => calls.length > 0);
    // Several events in a burst make one callback.
    await quietFor(250, 'a second callback for the same burst');
    assert.equal(calls, ['file change']);
  } finally {
    stop();
  }
});

test('the poll calls back every interval, and stopping ends both the poll and the watch', async ({ pki }) => {
  const { 'tls.crt': file } = filesIn(pki, 'polled', { 'tls.crt': 'c' });
  const calls: string[] = [];
  const stop = watchFiles([file], 30, (reason) => calls.push(reason));
  await until('two polls', () => calls.length >= 2);
  stop();
  const seen = calls.length;
  assert.ok(
    calls.every((c) => c === 'poll'),
    calls.join(),
  );
  replaceFile(file, 'c2');
  await quietFor(200, 'a callback after stop');
  assert.is(calls.length, seen, 'no callback after stop');
});

test.run();
