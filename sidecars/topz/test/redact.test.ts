import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { REDACTED, redactArgs, redactEnv, redactUrlCredentials, secretMatcher } from '../src/redact.js';

const test = suite('redaction');
const isSecret = secretMatcher();

test('--password=value keeps the flag and loses the value, in every spelling', () => {
  assert.equal(redactArgs(['/opt/app/supervisor', '--password=hunter2', '-db-pass=x', 'api_key=y'], isSecret),
    ['/opt/app/supervisor', `--password=${REDACTED}`, `-db-pass=${REDACTED}`, `api_key=${REDACTED}`]);
});

test('--password value hides the next argument, but not a following flag', () => {
  assert.equal(redactArgs(['app', '--password', 'hunter2', '--port', '80'], isSecret), ['app', '--password', REDACTED, '--port', '80']);
  assert.equal(redactArgs(['app', '--token', '--verbose'], isSecret), ['app', '--token', '--verbose']);
});

test('ordinary arguments are left as they are (a positive control)', () => {
  const args = ['python3', '/opt/app/app.py', '--port=8080', '--workers', '2', 'sleep', '3600'];
  assert.equal(redactArgs(args, isSecret), args);
});

test('header-style arguments, URL credentials and token-shaped values are redacted', () => {
  assert.equal(redactArgs(['curl', '-H', 'Authorization: Bearer abc123'], isSecret), ['curl', '-H', `Authorization: ${REDACTED}`]);
  assert.equal(redactArgs(['psql', 'postgres://admin:s3cret@db:5432/x'], isSecret), ['psql', `postgres://admin:${REDACTED}@db:5432/x`]);
  assert.equal(redactArgs(['run', 'ghp_abcdefghijklmnopqrstuvwx', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.sig'], isSecret), ['run', REDACTED, REDACTED]);
  assert.is(redactUrlCredentials('redis://:pw@cache:6379'), `redis://:${REDACTED}@cache:6379`);
  assert.is(redactUrlCredentials('https://example.test/path?q=1'), 'https://example.test/path?q=1');
});

test('environment variables with secret-looking names lose their values; others and PWD stay', () => {
  assert.equal(redactEnv(['DB_PASSWORD=hunter2', 'APP_API_TOKEN=t0k', 'WORKERS=2', 'PWD=/opt/app', 'DATABASE_URL=mysql://u:p@db/x', 'EMPTY'], isSecret), {
    DB_PASSWORD: REDACTED, APP_API_TOKEN: REDACTED, WORKERS: '2', PWD: '/opt/app', DATABASE_URL: `mysql://u:${REDACTED}@db/x`, EMPTY: '',
  });
});

test('--redact-words adds names to the built-in ones, case-insensitively', () => {
  const custom = secretMatcher(['licence', ' ']);
  assert.ok(custom('ACME_LICENCE'));
  assert.ok(!isSecret('ACME_LICENCE'));
  assert.ok(!custom('WORKERS'), 'a blank word does not make every name secret');
});

test.run();
