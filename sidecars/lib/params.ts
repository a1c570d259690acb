// The typed parameter table: each sidecar declares its parameters here once.
// Parsing (flags + prefixed env vars), --help, the README table and the image's labels are all
// derived from it (see parse.ts, help.ts, scripts/lib/docs-gen.ts and scripts/lib/sidecar-docs.ts).
import { accessSync, constants, readFileSync, statSync } from 'node:fs';

export type Kind = 'string' | 'int' | 'port' | 'bool' | 'duration' | 'enum' | 'file' | 'dir' | 'secret' | 'url';

export interface Param<V> {
  kind: Kind;
  description: string;
  default?: V;
  /** Required parameters have no default and must be given. */
  required?: boolean;
  /** Allowed values (enum). */
  values?: readonly string[];
  /** A port this sidecar listens on: no two such parameters may take the same value. */
  listens?: boolean;
  /** Human rule shown in --help and docs, e.g. "1-65535". */
  rule: string;
  /** Turns the raw text into a value, or throws a RuleError that says which rule was broken. */
  parse(raw: string): V;
  /** How the default is written in docs and in the Dockerfile ENV line. */
  show(value: V): string;
}

/** A value broke its parameter's rule; the message is the rule, e.g. "70000 is not a port (1-65535)". */
export class RuleError extends Error {}

export type Table = Record<string, Param<unknown>>;
export type Values<T extends Table> = { [K in keyof T]: T[K] extends Param<infer V> ? V : never };

interface Common {
  description: string;
}
const str = (v: unknown) => String(v);

/** Text. It is never empty unless `empty: true`: an empty host or name is a mistake, not a value. */
export function string(
  o: Common & { default?: string; required?: boolean; pattern?: RegExp; rule?: string; empty?: boolean },
): Param<string> {
  return {
    kind: 'string',
    description: o.description,
    default: o.default,
    required: o.required,
    rule: o.rule ?? (o.empty ? 'text' : 'non-empty text'),
    parse(raw) {
      if (!o.empty && raw.trim() === '') throw new RuleError('is empty');
      if (o.pattern && !o.pattern.test(raw)) throw new RuleError(`${JSON.stringify(raw)} is not ${o.rule ?? `matching ${o.pattern}`}`);
      return raw;
    },
    show: str,
  };
}

export function int(o: Common & { default?: number; required?: boolean; min?: number; max?: number }): Param<number> {
  const min = o.min ?? Number.MIN_SAFE_INTEGER,
    max = o.max ?? Number.MAX_SAFE_INTEGER;
  const rule = o.min !== undefined && o.max !== undefined ? `integer ${min}-${max}` : o.min !== undefined ? `integer >= ${min}` : 'integer';
  return {
    kind: 'int',
    description: o.description,
    default: o.default,
    required: o.required,
    rule,
    parse(raw) {
      const text = raw.trim();
      if (!/^-?\d+$/.test(text)) throw new RuleError(`${JSON.stringify(raw)} is not an integer`);
      // Compared exactly: past 2^53 a floating-point reading would round into the range.
      const n = BigInt(text);
      if (n < BigInt(min) || n > BigInt(max)) throw new RuleError(`${n} is out of range (${rule})`);
      return Number(n);
    },
    show: str,
  };
}

export function port(o: Common & { default?: number; required?: boolean; listens?: boolean }): Param<number> {
  return {
    kind: 'port',
    description: o.description,
    default: o.default,
    required: o.required,
    listens: o.listens,
    rule: 'port 1-65535',
    parse(raw) {
      const n = Number(raw);
      if (!/^\d+$/.test(raw.trim()) || n < 1 || n > 65535) throw new RuleError(`${JSON.stringify(raw)} is not a port (1-65535)`);
      return n;
    },
    show: str,
  };
}

const TRUE = ['true', '1', 'yes', 'on'],
  FALSE = ['false', '0', 'no', 'off'];
export function bool(o: Common & { default: boolean }): Param<boolean> {
  return {
    kind: 'bool',
    description: o.description,
    default: o.default,
    rule: 'true|false',
    parse(raw) {
      const v = raw.trim().toLowerCase();
      if (TRUE.includes(v)) return true;
      if (FALSE.includes(v)) return false;
      throw new RuleError(`${JSON.stringify(raw)} is not a boolean (true|false)`);
    },
    show: str,
  };
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
/** Durations are written like Go's: 250ms, 5s, 1m30s. The value is in milliseconds. */
export function parseDuration(raw: string): number {
  const text = raw.trim();
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (!parts.length || parts.map((p) => p[0]).join('') !== text) {
    throw new RuleError(`${JSON.stringify(raw)} is not a duration (like 500ms, 5s, 1m)`);
  }
  return Math.round(parts.reduce((ms, p) => ms + Number(p[1]) * UNITS[p[2]!]!, 0));
}
export function formatDuration(ms: number): string {
  if (ms % 60_000 === 0 && ms > 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0 && ms > 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
/** The longest delay a timer can be armed with (setTimeout's 32-bit limit, about 24.8 days). */
export const MAX_TIMER_MS = 2 ** 31 - 1;
const MAX_TIMER_TEXT = '596h';

/** Every duration fits a timer: its maximum is at most MAX_TIMER_MS whatever the table says. */
export function duration(o: Common & { default?: string; required?: boolean; min?: string; max?: string }): Param<number> {
  const min = o.min ? parseDuration(o.min) : 0;
  const max = Math.min(o.max ? parseDuration(o.max) : Infinity, MAX_TIMER_MS);
  const range = `${o.min ?? '0s'}-${o.max && parseDuration(o.max) <= MAX_TIMER_MS ? o.max : MAX_TIMER_TEXT}`;
  return {
    kind: 'duration',
    description: o.description,
    required: o.required,
    default: o.default === undefined ? undefined : parseDuration(o.default),
    rule: `duration ${range} (500ms, 5s, 1m)`,
    parse(raw) {
      const ms = parseDuration(raw);
      if (ms < min || ms > max) throw new RuleError(`${raw} is out of range (${range})`);
      return ms;
    },
    show: formatDuration,
  };
}

export function oneOf<const T extends string>(values: readonly T[], o: Common & { default?: T; required?: boolean }): Param<T> {
  return {
    kind: 'enum',
    description: o.description,
    default: o.default,
    required: o.required,
    values,
    rule: `one of ${values.join('|')}`,
    parse(raw) {
      if (!(values as readonly string[]).includes(raw)) throw new RuleError(`${JSON.stringify(raw)} is not one of ${values.join('|')}`);
      return raw as T;
    },
    show: str,
  };
}

/** A URL with one of the given schemes and a valid port. An error never echoes its credentials. */
export function url(
  o: Common & { default?: string; required?: boolean; schemes: readonly string[]; credentials?: boolean; origin?: boolean },
): Param<string> {
  return {
    kind: 'url',
    description: o.description,
    default: o.default,
    required: o.required,
    rule: `${o.schemes.join('|')}://host[:port]${o.origin ? '' : '[/path]'}${o.credentials ? '' : ', no credentials'}`,
    parse(raw) {
      // An empty default means "none": the same empty value given explicitly (an image's ENV line) is accepted.
      if (raw === '' && o.default === '') return raw;
      const shown = JSON.stringify(hideCredentials(raw));
      let u: URL;
      try {
        u = new URL(raw);
      } catch {
        const port = /^[a-z][\w+.-]*:\/\/[^/?#]*:(\d+)/i.exec(raw)?.[1];
        throw new RuleError(port && Number(port) > 65535 ? `${shown} has port ${port}, not a port (1-65535)` : `${shown} is not a URL`);
      }
      const scheme = u.protocol.slice(0, -1);
      if (!o.schemes.includes(scheme)) throw new RuleError(`${shown} is not a ${o.schemes.join('|')} URL`);
      if (!u.hostname && scheme !== 'file') throw new RuleError(`${shown} has no host`);
      if (!o.credentials && (u.username || u.password)) throw new RuleError(`${shown} carries credentials; give them as a secret instead`);
      if (o.origin && (u.pathname !== '/' || u.search || u.hash))
        throw new RuleError(`${shown} has a path; give only scheme://host[:port]`);
      return raw;
    },
    show: str,
  };
}

/** scheme://user:secret@host -> scheme://<credentials>@host, for errors and logs. Everything up to the
 * last "@" goes, so a password with "/", ":" or "@" in it never shows, even in a URL that does not parse. */
export function hideCredentials(text: string): string {
  const at = text.lastIndexOf('@');
  if (at < 0) return text;
  const scheme = /^[a-z][\w+.-]*:\/\//i.exec(text)?.[0] ?? '';
  return `${scheme}<credentials>${text.slice(at)}`;
}

/** A path that must name a readable file when the sidecar starts. */
export function file(o: Common & { default?: string; required?: boolean }): Param<string> {
  return {
    kind: 'file',
    description: o.description,
    default: o.default,
    required: o.required,
    rule: 'readable file',
    parse(raw) {
      try {
        if (!statSync(raw).isFile()) throw new Error();
        accessSync(raw, constants.R_OK);
      } catch {
        throw new RuleError(`${raw} does not exist or is not a readable file`);
      }
      return raw;
    },
    show: str,
  };
}

/** A path that must name a directory when the sidecar starts. */
export function dir(o: Common & { default?: string; required?: boolean; writable?: boolean }): Param<string> {
  return {
    kind: 'dir',
    description: o.description,
    default: o.default,
    required: o.required,
    rule: o.writable ? 'writable directory' : 'directory',
    parse(raw) {
      try {
        if (!statSync(raw).isDirectory()) throw new Error();
        accessSync(raw, o.writable ? constants.W_OK | constants.R_OK : constants.R_OK);
      } catch {
        throw new RuleError(`${raw} does not exist or is not a ${o.writable ? 'writable ' : ''}directory`);
      }
      return raw;
    },
    show: str,
  };
}

/** A secret: given as PREFIX_NAME or read from the file PREFIX_NAME_FILE names. Never a flag. At least minLength characters. */
export function secret(o: Common & { required?: boolean; minLength?: number }): Param<string | undefined> {
  const min = o.minLength ?? 1;
  return {
    kind: 'secret',
    description: o.description,
    required: o.required,
    rule: min > 1 ? `env or file only, at least ${min} characters` : 'env or file only',
    parse(raw) {
      if (!raw) throw new RuleError('is empty');
      if (raw.length < min)
        throw new RuleError(`is ${raw.length} character${raw.length === 1 ? '' : 's'} long; at least ${min} characters are required`);
      return raw;
    },
    show: () => '',
  };
}

/** Reads a secret file; trailing newlines are not part of the secret. */
export function readSecretFile(path: string): string {
  try {
    return readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  } catch {
    throw new RuleError(`${path} does not exist or is not readable`);
  }
}

/** camelCase table key -> kebab flag name: certFile -> cert-file. */
export const flagName = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
/** camelCase table key -> env var: certFile -> TLS_PROXY_CERT_FILE. */
export const envName = (prefix: string, key: string) => `${prefix}_${flagName(key).replace(/-/g, '_').toUpperCase()}`;
