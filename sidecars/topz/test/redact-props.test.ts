// Properties of redaction as a whole: total, bounded, idempotent, quick, and harmless to ordinary arguments.
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { MAX_GROWTH, REDACTED, redactArgs, redactEnv } from '../src/redact.js';
import { RUNS, envName, innocuous, isSecret, pick, secret } from './redact-gen.js';

const test = suite('redaction properties');

/** Characters the rules care about, so random strings come close to the shapes. */
const near = fc.string({ unit: pick(...'-=:@/"\'\\ \t\n{}$?&;%#<>pPuUaAbByYk0123456789_.'.split('')), maxLength: 60 });
const vocabulary = pick(
  '--password',
  '-p',
  '-u',
  '--user',
  'AUTH',
  'IDENTIFIED',
  'BY',
  'password',
  'htpasswd',
  '-b',
  '-bn',
  'mysql',
  'sshpass',
  'Bearer',
  'password=x',
  '{"password":"x y"}',
  'password: a b',
  'postgres://u:p@h/d',
  'u:p@h',
  'sk_live_ABCDEFGHIJKL1234',
  '$apr1$abcdefgh$0123456789abcdefghijkl',
  'sh',
  '-c',
  REDACTED,
  `-p${REDACTED}`,
  '=',
  ':',
  "'",
  '"',
  'redis-cli',
  '-a',
  'https://hooks.slack.com/services/T1/B2/x',
  '-----BEGIN PRIVATE KEY-----',
);
/** Any code point, lone surrogates and control characters included (unit 'binary' costs seconds to build). */
const codePoint = fc.integer({ min: 0, max: 0x10ffff }).map((c) => String.fromCodePoint(c));
const item = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.string({ unit: codePoint, maxLength: 60 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  near,
  vocabulary,
  innocuous,
  secret,
  fc.array(fc.oneof(vocabulary, near, innocuous, secret), { maxLength: 8 }).map((xs) => xs.join(' ')),
);
const argv = fc.array(item, { maxLength: 12 });
const environ = fc.array(
  fc
    .tuple(fc.oneof(envName, fc.string({ maxLength: 12 }), pick('PWD', 'OLDPWD', 'DB_PASSWORD', 'CURL_USER', '__proto__')), item)
    .map(([n, v]) => `${n}=${v}`),
  { maxLength: 8 },
);
const valueOf = (entries: string[]) =>
  new Map(entries.map((e) => (e.includes('=') ? [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)] : [e, ''])));

test('redaction never throws and gives one string per argument and one per variable, whatever the input (unicode, control characters, near-shapes)', () => {
  fc.assert(
    fc.property(argv, environ, (args, env) => {
      const out = redactArgs(args, isSecret);
      assert.is(out.length, args.length);
      assert.ok(out.every((a) => typeof a === 'string'));
      const o = redactEnv(env, isSecret);
      assert.equal(Object.keys(o).sort(), [...valueOf(env).keys()].sort());
      assert.ok(Object.values(o).every((v) => typeof v === 'string'));
    }),
    RUNS,
  );
});

test(`every redacted argument and value is at most ${MAX_GROWTH} characters longer than it was`, () => {
  fc.assert(
    fc.property(argv, environ, (args, env) => {
      redactArgs(args, isSecret).forEach((a, i) =>
        assert.ok(a.length <= args[i]!.length + MAX_GROWTH, `${JSON.stringify(args[i])} -> ${JSON.stringify(a)}`),
      );
      const before = valueOf(env);
      for (const [n, v] of Object.entries(redactEnv(env, isSecret)))
        assert.ok(v.length <= before.get(n)!.length + MAX_GROWTH, `${n}: ${v}`);
    }),
    RUNS,
  );
});

test('redaction is idempotent: redacting a redacted command line or environment changes nothing', () => {
  fc.assert(
    fc.property(argv, environ, (args, env) => {
      const once = redactArgs(args, isSecret);
      assert.equal(redactArgs(once, isSecret), once);
      const onceEnv = redactEnv(env, isSecret);
      assert.equal(
        redactEnv(
          Object.entries(onceEnv).map(([n, v]) => `${n}=${v}`),
          isSecret,
        ),
        onceEnv,
      );
    }),
    RUNS,
  );
});

test('ordinary arguments and environment values come out unchanged, wherever they sit (the feature still shows something)', () => {
  fc.assert(
    fc.property(
      fc.array(innocuous, { maxLength: 12 }),
      fc.array(fc.tuple(envName, fc.array(innocuous, { maxLength: 4 })), { maxLength: 6 }),
      (args, vars) => {
        assert.equal(redactArgs(args, isSecret), args);
        const entries = vars.map(([n, v]) => `${n}=${v.join(' ')}`);
        assert.equal(redactEnv(entries, isSecret), Object.fromEntries(valueOf(entries)));
        assert.equal(redactArgs(['/bin/sh', '-c', args.join(' ')], isSecret), ['/bin/sh', '-c', args.join(' ')]);
      },
    ),
    RUNS,
  );
});

test('a 64 KiB argument made of near-miss shapes is redacted in under 5 s, where a quadratic scan takes minutes (no quadratic scan)', () => {
  const pieces = [
    'a:',
    'a-',
    'x=',
    'postgres://a',
    'a:b,',
    'eyJaaaaaaaaaa',
    '"password',
    '$1$',
    '-p ',
    'IDENTIFIED ',
    "'",
    '"',
    'https://h/?',
    'u:p@',
  ];
  for (const piece of pieces) {
    const big = piece.repeat(Math.ceil((64 * 1024) / piece.length));
    const started = performance.now();
    redactArgs(['app', big, big.replace(/ /g, '')], isSecret);
    redactEnv([`X=${big}`], isSecret);
    const ms = performance.now() - started;
    // About 150 ms each on an idle 2-core machine, 1.3 s at a load average of 20: the bound leaves room for a
    // loaded machine, and a quadratic scan of 64 KiB (some 4e9 steps) is far past it.
    assert.ok(ms < 5000, `${JSON.stringify(piece)} x ${big.length}: ${ms.toFixed(0)} ms`);
  }
});

test.run();
