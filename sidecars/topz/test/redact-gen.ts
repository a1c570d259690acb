// Generators for the redaction properties: secrets from their own alphabets, innocuous arguments
// around them, and the places a command line or an environment can hold them.
import fc from 'fast-check';
import * as assert from 'uvu/assert';
import { redactArgs, redactEnv, secretMatcher } from '../src/redact.js';

/** 300 runs per property; TOPZ_REDACT_RUNS=20000 fuzzes deeper. */
export const RUNS = { numRuns: Number(process.env.TOPZ_REDACT_RUNS) || 300 };
export const isSecret = secretMatcher();

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = LOWER.toUpperCase();
const DIGITS = '0123456789';
export const ALNUM = LOWER + UPPER + DIGITS;
/** What a password may hold here: no whitespace, quotes, backslashes or separators (& ; , : @ / = < > { }). */
export const PW = `${ALNUM}!#%*+-.^_~`;

export const of = (alphabet: string, minLength = 6, maxLength = 24) =>
  fc.string({ unit: fc.constantFrom(...alphabet.split('')), minLength, maxLength });
/** A password: starts with a letter or digit (a leading dash is a shape of its own), 6-24 characters. */
export const secret = fc.tuple(of(ALNUM, 1, 1), of(PW, 5, 23)).map(([a, b]) => a + b);
/** Upper, lower or capitalised, as people write keywords and names. */
export const anyCase = (w: string) => fc.constantFrom(w.toLowerCase(), w.toUpperCase(), w[0]!.toUpperCase() + w.slice(1));
export const pick = <T>(...xs: T[]) => fc.constantFrom(...xs);

/** Words that mean something to the redaction, so an "innocuous" word must not be one. */
const MEANINGFUL =
  /^(sig$|mysql|mariadb|mongo|ldap|sql|zip|unzip|7z|openssl|identified|by|bearer|basic|isql|osql|bcp|redis|valkey|keydb|sshpass|htpasswd)|user/;
export const word = fc.stringMatching(/^[a-z][a-z0-9]{0,9}$/).filter((w) => !isSecret(w) && !MEANINGFUL.test(w));
export const host = fc.tuple(word, pick('', '.internal', '.svc.cluster.local')).map(([w, d]) => w + d);
/** A user name: any innocuous word. @alias of word, named for the part it plays in a credential. */
export const user = word;

/** Arguments that hold no secret and must come out as they went in. */
export const innocuous = fc.oneof(
  pick(
    '--port',
    '8080',
    '-v',
    '/usr/bin/python3',
    'app.py',
    '--workers',
    '4',
    'serve',
    '--log-level=info',
    '-c',
    '/etc/app/config.yaml',
    'http://localhost:8080/health',
    '0.0.0.0:8000',
    '--bind',
    'app:app',
    '-m',
    'http.server',
    '-Xmx512m',
    '-jar',
    '/opt/app/app.jar',
    'node',
    'server.js',
    'daemon off;',
    '-g',
    '--host',
    '127.0.0.1',
    'ssh',
    '-P',
    '3306',
    'sleep',
    '3600',
  ),
  word,
  word.map((w) => `--${w}`),
  fc.tuple(word, word).map(([a, b]) => `--${a}=${b}`),
  word.map((w) => `/usr/local/bin/${w}`),
  word.map((w) => `${w}.py`),
  fc.nat(65535).map(String),
);
export const envName = fc.stringMatching(/^[A-Z][A-Z0-9_]{0,10}$/).filter((n) => !isSecret(n) && !/USER|^(OLD)?PWD$/.test(n));

/** What a generated shape is: the arguments that carry it and the secrets they must not show. */
export type Shape = { args: string[]; secrets: string[] };
export const shape = (args: string[], ...secrets: string[]): Shape => ({ args, secrets });

const quoteIfSpaced = (a: string) => (!/\s/.test(a) ? a : a.includes("'") ? `"${a}"` : `'${a}'`);

/**
 * Every place a shape can be put: among other arguments of the argv, inside a `sh -c` script,
 * as the value of a harmless environment variable, or glued to a harmless option (`--x=<it>`).
 */
export const placement = fc.record({
  mode: pick('argv', 'shell', 'env', 'opt'),
  before: fc.array(innocuous, { maxLength: 3 }),
  after: fc.array(innocuous, { maxLength: 3 }),
  name: envName,
  opt: word,
  gap: pick(' ', '  ', '\t'),
});
export type Placement = typeof placement extends fc.Arbitrary<infer P> ? P : never;

/** The argv (or the environ, for mode env) that holds the arguments in that place. */
export function arrange(args: string[], p: Placement): string[] {
  const all = [...p.before, ...args, ...p.after];
  if (p.mode === 'shell') return ['/bin/sh', '-c', all.map(quoteIfSpaced).join(p.gap)];
  if (p.mode === 'env') return [`${p.name}=${all.map(quoteIfSpaced).join(p.gap)}`, 'WORKERS=2'];
  return p.mode === 'opt' && args.length === 1 ? [...p.before, `--${p.opt}=${args[0]}`, ...p.after] : all;
}

/** What topz would show for it, as one text. */
export function shown(input: string[], p: Placement): string {
  return p.mode === 'env' ? Object.entries(redactEnv(input, isSecret)).flat().join('\n') : redactArgs(input, isSecret).join('\n');
}

const count = (text: string, piece: string) => text.split(piece).length - 1;

/**
 * The secret, or a 6-character piece of it, shown more often than the text around the secret holds it
 * (so that a generated neighbour that happens to contain the same letters is not taken for a leak).
 */
export function leak(out: string, secret: string, around = ''): string | undefined {
  const pieces = [secret, ...Array.from({ length: Math.max(0, secret.length - 5) }, (_, i) => secret.slice(i, i + 6))];
  return pieces.find((piece) => count(out, piece) > count(around, piece));
}

/** The core property: whatever the shape and wherever it sits, none of its secrets shows. */
export function hiddenEverywhere(shapes: fc.Arbitrary<Shape>, runs = RUNS) {
  fc.assert(
    fc.property(shapes, placement, (s, p) => {
      const input = arrange(s.args, p);
      const out = shown(input, p);
      for (const x of s.secrets) {
        const around = arrange(
          s.args.map((a) => a.split(x).join('\u0000')),
          p,
        ).join('\n');
        const piece = leak(out, x, around);
        assert.is(
          piece,
          undefined,
          `secret piece ${JSON.stringify(piece)} of ${JSON.stringify(x)} shows for ${JSON.stringify(input)}:\n${out}`,
        );
      }
    }),
    runs,
  );
}
