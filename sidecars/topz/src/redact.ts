// Redaction of command lines and environments, for when an operator chose to show them.
// It errs towards hiding: a name that merely looks secret loses its value.
export const REDACTED = '<redacted>';

/** Name fragments that make an argument or a variable secret-looking (case-insensitive). */
export const SECRET_WORDS = ['pass', 'pwd', 'secret', 'token', 'key', 'auth', 'cred', 'cookie', 'session', 'private', 'salt', 'signature', 'dsn'];

/** Names that contain a secret word but are known not to hold secrets (the shell's working directory). */
const NOT_SECRET = new Set(['pwd', 'oldpwd']);

export type IsSecret = (name: string) => boolean;

export function secretMatcher(extra: string[] = []): IsSecret {
  const words = [...SECRET_WORDS, ...extra.map((w) => w.trim().toLowerCase()).filter(Boolean)];
  return (name) => {
    const n = name.toLowerCase();
    return !NOT_SECRET.has(n) && words.some((w) => n.includes(w));
  };
}

/** Values that are secrets whatever they are called: JWTs, well-known token prefixes, PEM keys. */
const TOKEN_SHAPES = [
  /\beyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]*/,
  /\b(?:ghp|gho|ghs|ghu|glpat|xox[abpr]|sk|AKIA)[-_]?[A-Za-z0-9]{12,}/,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
];

/** scheme://user:password@host -> scheme://user:<redacted>@host */
export function redactUrlCredentials(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/[^/\s:@]*):[^@\s/]*@/gi, `$1:${REDACTED}@`);
}

function redactValue(value: string): string {
  return TOKEN_SHAPES.some((re) => re.test(value)) ? REDACTED : redactUrlCredentials(value);
}

/**
 * Redacts an argument vector: `--password=x`, `password=x` and `Authorization: x` keep their name and
 * lose their value; `--password x` loses the next argument; token-shaped values go whole.
 */
export function redactArgs(args: string[], isSecret: IsSecret): string[] {
  const out: string[] = [];
  let hideNext = false;
  for (const arg of args) {
    if (hideNext && !arg.startsWith('-')) { out.push(REDACTED); hideNext = false; continue; }
    hideNext = false;
    const kv = /^(-{0,2}[\w.-]+)=/.exec(arg);
    const header = /^([\w-]+):\s/.exec(arg);
    if (kv && isSecret(kv[1]!)) out.push(`${kv[1]}=${REDACTED}`);
    else if (header && isSecret(header[1]!)) out.push(`${header[1]}: ${REDACTED}`);
    else {
      if (/^--?[\w.-]+$/.test(arg) && isSecret(arg)) hideNext = true;
      out.push(redactValue(arg));
    }
  }
  return out;
}

/** NAME=value entries -> an object; secret-looking names lose their values. */
export function redactEnv(entries: string[], isSecret: IsSecret): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    const [name, value] = eq < 0 ? [entry, ''] : [entry.slice(0, eq), entry.slice(eq + 1)];
    out[name] = isSecret(name) ? REDACTED : redactValue(value);
  }
  return out;
}
