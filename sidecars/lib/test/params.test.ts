import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { thrownMessage, tmpSuite } from '../test-support/basics.js';
import {
  bool,
  dir,
  duration,
  envName,
  file,
  flagName,
  formatDuration,
  int,
  MAX_TIMER_MS,
  oneOf,
  parseDuration,
  port,
  readSecretFile,
  RuleError,
  secret,
  string,
  url,
} from '../params.js';

const test = tmpSuite('params');

/** The RuleError message a parse throws; fails the test when it does not throw a RuleError. */
const ruleError = (fn: () => unknown) => thrownMessage(RuleError, fn);

test('a port accepts 1 and 65535 and returns a number', () => {
  const p = port({ description: 'd' });
  assert.is(p.parse('1'), 1);
  assert.is(p.parse('65535'), 65535);
  assert.is(p.parse('8443'), 8443);
  assert.is(p.rule, 'port 1-65535');
});

test('a port of 0, above 65535, negative or not a number is refused with the value and the range', () => {
  const p = port({ description: 'd' });
  assert.is(
    ruleError(() => p.parse('70000')),
    '"70000" is not a port (1-65535)',
  );
  assert.is(
    ruleError(() => p.parse('65536')),
    '"65536" is not a port (1-65535)',
  );
  assert.is(
    ruleError(() => p.parse('0')),
    '"0" is not a port (1-65535)',
  );
  assert.is(
    ruleError(() => p.parse('-1')),
    '"-1" is not a port (1-65535)',
  );
  assert.is(
    ruleError(() => p.parse('80x')),
    '"80x" is not a port (1-65535)',
  );
  assert.is(
    ruleError(() => p.parse('')),
    '"" is not a port (1-65535)',
  );
});

test('an int outside min-max is refused naming the range, and a non-integer is refused as such', () => {
  const n = int({ description: 'd', min: 0, max: 10 });
  assert.is(n.rule, 'integer 0-10');
  assert.is(n.parse('0'), 0);
  assert.is(n.parse('10'), 10);
  assert.is(
    ruleError(() => n.parse('11')),
    '11 is out of range (integer 0-10)',
  );
  assert.is(
    ruleError(() => n.parse('-1')),
    '-1 is out of range (integer 0-10)',
  );
  assert.is(
    ruleError(() => n.parse('1.5')),
    '"1.5" is not an integer',
  );
  assert.is(
    ruleError(() => n.parse('1e3')),
    '"1e3" is not an integer',
  );
  assert.is(int({ description: 'd', min: 5 }).rule, 'integer >= 5');
  assert.is(int({ description: 'd' }).parse('-42'), -42);
});

test('an int is compared exactly past 2^53: one above the largest safe integer is refused with its own digits', () => {
  const n = int({ description: 'd', min: 0, max: Number.MAX_SAFE_INTEGER });
  assert.is(n.parse('9007199254740991'), Number.MAX_SAFE_INTEGER);
  // As a float, 9007199254740993 reads as 9007199254740992, and 2^64 + 1 as 2^64.
  assert.is(
    ruleError(() => n.parse('9007199254740993')),
    '9007199254740993 is out of range (integer 0-9007199254740991)',
  );
  assert.is(
    ruleError(() => int({ description: 'd' }).parse('18446744073709551617')),
    '18446744073709551617 is out of range (integer)',
  );
});

test('a bool accepts true/1/yes/on and false/0/no/off in any case and refuses anything else', () => {
  const b = bool({ description: 'd', default: false });
  for (const v of ['true', '1', 'yes', 'on', 'TRUE', ' On ']) assert.is(b.parse(v), true, v);
  for (const v of ['false', '0', 'no', 'off', 'False', 'OFF']) assert.is(b.parse(v), false, v);
  assert.is(
    ruleError(() => b.parse('maybe')),
    '"maybe" is not a boolean (true|false)',
  );
  assert.is(
    ruleError(() => b.parse('')),
    '"" is not a boolean (true|false)',
  );
});

test('durations are read like Go durations into milliseconds', () => {
  assert.is(parseDuration('250ms'), 250);
  assert.is(parseDuration('5s'), 5000);
  assert.is(parseDuration('1m'), 60_000);
  assert.is(parseDuration('1m30s'), 90_000);
  assert.is(parseDuration('1h'), 3_600_000);
  assert.is(parseDuration('1h1m1s1ms'), 3_661_001);
  assert.is(parseDuration('1.5s'), 1500);
  assert.is(parseDuration(' 2s '), 2000);
  assert.is(parseDuration('0s'), 0);
});

test('a duration without a unit, with a space, a sign or an unknown unit is refused with an example', () => {
  for (const bad of ['5', '', '5 s', '-5s', '5sec', '1m30', 's', '5d']) {
    assert.is(
      ruleError(() => parseDuration(bad)),
      `${JSON.stringify(bad)} is not a duration (like 500ms, 5s, 1m)`,
      bad,
    );
  }
});

test('formatDuration writes the largest whole unit and round-trips through parseDuration', () => {
  assert.is(formatDuration(60_000), '1m');
  assert.is(formatDuration(600_000), '10m');
  assert.is(formatDuration(90_000), '90s');
  assert.is(formatDuration(1000), '1s');
  assert.is(formatDuration(1500), '1500ms');
  assert.is(formatDuration(0), '0ms');
  for (const ms of [0, 1, 999, 1000, 1500, 59_000, 60_000, 90_000, 3_600_000]) assert.is(parseDuration(formatDuration(ms)), ms);
});

test('a duration parameter keeps its default in milliseconds and refuses values outside min-max', () => {
  const d = duration({ description: 'd', default: '1s', min: '100ms', max: '1h' });
  assert.is(d.default, 1000);
  assert.is(d.show(d.default!), '1s');
  assert.is(d.rule, 'duration 100ms-1h (500ms, 5s, 1m)');
  assert.is(d.parse('100ms'), 100);
  assert.is(d.parse('1h'), 3_600_000);
  assert.is(
    ruleError(() => d.parse('50ms')),
    '50ms is out of range (100ms-1h)',
  );
  assert.is(
    ruleError(() => d.parse('61m')),
    '61m is out of range (100ms-1h)',
  );
  assert.is(
    ruleError(() => d.parse('10')),
    '"10" is not a duration (like 500ms, 5s, 1m)',
  );
  assert.is(duration({ description: 'd' }).rule, 'duration 0s-596h (500ms, 5s, 1m)');
});

test('oneOf accepts only its listed values, case-sensitively', () => {
  const m = oneOf(['http', 'tcp'] as const, { description: 'd', default: 'http' });
  assert.is(m.parse('tcp'), 'tcp');
  assert.is(m.rule, 'one of http|tcp');
  assert.equal(m.values, ['http', 'tcp']);
  assert.is(
    ruleError(() => m.parse('HTTP')),
    '"HTTP" is not one of http|tcp',
  );
  assert.is(
    ruleError(() => m.parse('udp')),
    '"udp" is not one of http|tcp',
  );
});

test('a string with a pattern refuses text that does not match, naming the rule', () => {
  const s = string({ description: 'd', pattern: /^[a-z]+$/, rule: 'lowercase letters' });
  assert.is(s.parse('abc'), 'abc');
  assert.is(s.rule, 'lowercase letters');
  assert.is(
    ruleError(() => s.parse('ABC')),
    '"ABC" is not lowercase letters',
  );
  assert.is(
    ruleError(() => string({ description: 'd' }).parse('')),
    'is empty',
  );
  assert.is(
    ruleError(() => string({ description: 'd' }).parse('  ')),
    'is empty',
  );
  assert.is(string({ description: 'd', empty: true }).parse(''), '');
});

test('every duration fits a timer: a value past 2^31-1 ms is refused even when the table sets no maximum', () => {
  const d = duration({ description: 'd', min: '100ms' });
  assert.is(d.parse('596h'), 596 * 3_600_000);
  assert.ok(596 * 3_600_000 <= MAX_TIMER_MS);
  assert.is(
    ruleError(() => d.parse('600h')),
    '600h is out of range (100ms-596h)',
  );
  assert.is(
    ruleError(() => duration({ description: 'd', max: '1000h' }).parse('597h')),
    '597h is out of range (0s-596h)',
  );
});

test('a url parameter checks scheme, host and port, and never echoes the credentials of a URL it refuses', () => {
  const u = url({ description: 'd', schemes: ['http', 'https'], origin: true });
  assert.is(u.parse('http://127.0.0.1:2379'), 'http://127.0.0.1:2379');
  assert.is(u.parse('https://etcd'), 'https://etcd');
  assert.is(
    ruleError(() => u.parse('http://127.0.0.1:99999')),
    '"http://127.0.0.1:99999" has port 99999, not a port (1-65535)',
  );
  assert.is(
    ruleError(() => u.parse('ftp://x')),
    '"ftp://x" is not a http|https URL',
  );
  assert.is(
    ruleError(() => u.parse('http://x/v3')),
    '"http://x/v3" has a path; give only scheme://host[:port]',
  );
  assert.is(
    ruleError(() => u.parse('etcd:2379')),
    '"etcd:2379" is not a http|https URL',
  );
  for (const raw of ['http://root:hunter2@etcd:2379', 'http://hunter2@etcd', 'http://root:hunter2@etcd:99999']) {
    const msg = ruleError(() => u.parse(raw));
    assert.not.ok(msg.includes('hunter2'), msg);
    assert.ok(msg.includes('<credentials>@'), msg);
  }
  assert.is(url({ description: 'd', schemes: ['http'] }).parse('http://app:8080/-/reload'), 'http://app:8080/-/reload');
});

test('a url parameter whose default is empty (none) accepts an empty value given explicitly, as an image ENV line gives it', () => {
  assert.is(url({ description: 'd', schemes: ['http'], default: '' }).parse(''), '');
  assert.is(
    ruleError(() => url({ description: 'd', schemes: ['http'] }).parse('')),
    '"" is not a URL',
  );
});

test('a file parameter accepts a readable file and refuses a missing path or a directory', (ctx) => {
  const f = file({ description: 'd' });
  const path = join(ctx.tmp, 'present.txt');
  writeFileSync(path, 'x');
  assert.is(f.parse(path), path);
  const missing = join(ctx.tmp, 'missing.txt');
  assert.is(
    ruleError(() => f.parse(missing)),
    `${missing} does not exist or is not a readable file`,
  );
  assert.is(
    ruleError(() => f.parse(ctx.tmp)),
    `${ctx.tmp} does not exist or is not a readable file`,
  );
});

test('a dir parameter accepts a directory and refuses a file, saying writable when it must be', (ctx) => {
  const path = join(ctx.tmp, 'a-file');
  writeFileSync(path, 'x');
  assert.is(dir({ description: 'd' }).parse(ctx.tmp), ctx.tmp);
  assert.is(dir({ description: 'd', writable: true }).parse(ctx.tmp), ctx.tmp);
  assert.is(dir({ description: 'd', writable: true }).rule, 'writable directory');
  assert.is(
    ruleError(() => dir({ description: 'd' }).parse(path)),
    `${path} does not exist or is not a directory`,
  );
  assert.is(
    ruleError(() => dir({ description: 'd', writable: true }).parse(path)),
    `${path} does not exist or is not a writable directory`,
  );
});

test('a secret is never shown and an empty one is refused', () => {
  const s = secret({ description: 'd' });
  assert.is(s.kind, 'secret');
  assert.is(s.show('hunter2'), '');
  assert.is(s.parse('hunter2'), 'hunter2');
  assert.is(
    ruleError(() => s.parse('')),
    'is empty',
  );
});

test('a secret with a minimum length refuses a shorter value, saying its length and the minimum but never the value', () => {
  const s = secret({ description: 'd', minLength: 16 });
  assert.is(s.rule, 'env or file only, at least 16 characters');
  assert.is(s.parse('0123456789abcdef'), '0123456789abcdef');
  assert.is(
    ruleError(() => s.parse('x')),
    'is 1 character long; at least 16 characters are required',
  );
  assert.is(
    ruleError(() => s.parse('hunter2hunter2x')),
    'is 15 characters long; at least 16 characters are required',
  );
});

test('a secret file loses one trailing newline (LF or CRLF) and nothing else', (ctx) => {
  const p = join(ctx.tmp, 'secret');
  writeFileSync(p, 's3cret\n');
  assert.is(readSecretFile(p), 's3cret');
  writeFileSync(p, 's3cret\r\n');
  assert.is(readSecretFile(p), 's3cret');
  writeFileSync(p, ' a b \n\n');
  assert.is(readSecretFile(p), ' a b \n');
  writeFileSync(p, 'no-newline');
  assert.is(readSecretFile(p), 'no-newline');
  const missing = join(ctx.tmp, 'nope');
  assert.is(
    ruleError(() => readSecretFile(missing)),
    `${missing} does not exist or is not readable`,
  );
});

test('table keys become kebab-case flags and PREFIX_SNAKE_CASE env vars', () => {
  assert.is(flagName('certFile'), 'cert-file');
  assert.is(flagName('hstsMaxAge'), 'hsts-max-age');
  assert.is(flagName('mode'), 'mode');
  assert.is(envName('TLS_PROXY', 'certFile'), 'TLS_PROXY_CERT_FILE');
  assert.is(envName('TLS_PROXY', 'hstsMaxAge'), 'TLS_PROXY_HSTS_MAX_AGE');
  assert.is(envName('X', 'mode'), 'X_MODE');
});

test.run();
