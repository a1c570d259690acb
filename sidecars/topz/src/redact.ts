// Redaction of command lines and environments, for when an operator chose to show them.
// It errs towards hiding: a name that merely looks secret loses its value, and so does anything
// shaped like a credential (see redact-argv.ts for command lines, redact-text.ts for values).
import { redactTokens, redactUserPass } from './redact-argv.js';
import { REDACTED, type IsSecret } from './redact-text.js';

export { REDACTED, redactUrlCredentials, type IsSecret } from './redact-text.js';

/** Name fragments that make an argument or a variable secret-looking (case-insensitive). */
export const SECRET_WORDS = [
  'pass',
  'pwd',
  'secret',
  'token',
  'key',
  'auth',
  'cred',
  'cookie',
  'session',
  'private',
  'salt',
  'signature',
  'dsn',
];

/** Variables that contain a secret word but are known not to hold secrets (the shell's working directories). */
const NOT_SECRET_VARIABLES = new Set(['PWD', 'OLDPWD']);

/** Most characters redaction may add to one argument or value; an item that would grow more is hidden whole. */
export const MAX_GROWTH = 6 * REDACTED.length;

export function secretMatcher(extra: string[] = []): IsSecret {
  const words = [...SECRET_WORDS, ...extra.map((w) => w.trim().toLowerCase()).filter(Boolean)];
  return (name) => {
    const n = name.toLowerCase();
    return words.some((w) => n.includes(w));
  };
}

const bounded = (before: string, after: string) => (after.length > before.length + MAX_GROWTH ? REDACTED : after);

/**
 * Redacts an argument vector: `--password=x`, `password=x` and `Authorization: x` keep their name and
 * lose their value; `--password x`, `-p x`, `AUTH x` lose the next argument; `-pX` and `-u user:X` lose X;
 * token-, hash- and URL-shaped credentials go wherever they sit; `sh -c '...'` scripts are redacted alike.
 */
export function redactArgs(args: string[], isSecret: IsSecret): string[] {
  return settle(args, (now) => redactTokens(now, isSecret)).map((a, i) => bounded(args[i]!, a));
}

/**
 * Redacts again until nothing changes (at most a few rounds). A rule may only see a credential once
 * another has hidden what stood before it (`AUTH u -u password -`); running to a fixed point makes the
 * result the same however often it is redacted, and only ever hides more.
 */
function settle(items: string[], round: (items: string[]) => string[]): string[] {
  let now = items;
  for (let i = 0; i < 4; i++) {
    const next = round(now);
    if (next.length === now.length && next.every((v, j) => v === now[j])) return next;
    now = next;
  }
  return now.map((v, j) => (v === items[j] ? v : REDACTED));
}

/** NAME=value entries -> an object; secret-looking names lose their values, and values are redacted like arguments. */
export function redactEnv(entries: string[], isSecret: IsSecret): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    const [name, value] = eq < 0 ? [entry, ''] : [entry.slice(0, eq), entry.slice(eq + 1)];
    const redacted =
      !NOT_SECRET_VARIABLES.has(name) && isSecret(name)
        ? REDACTED
        : /user/i.test(name) && /^[^\s:%/]+[:%]\S/.test(value)
          ? redactUserPass(value, isSecret)
          : settle([value], (now) => redactTokens(now, isSecret))[0]!;
    // defineProperty, so that a variable called __proto__ is a variable and not the object's prototype
    Object.defineProperty(out, name, { value: bounded(value, redacted), enumerable: true, writable: true, configurable: true });
  }
  return out;
}
