// Redaction of an argument vector, where a secret is known by what comes before it: an option
// (--password x, -pX), a user:password option (-u u:x), a keyword (IDENTIFIED BY x, AUTH x) or
// its position (htpasswd -b file user x). An argument holding whitespace (sh -c '...', an env value)
// is split like a shell would and redacted as a command line of its own, a few levels deep.
import { REDACTED, conceal, namesSecret, redactText, type IsSecret } from './redact-text.js';

/**
 * Short options that take a password. `exact` ones are hidden whatever follows; `loose` ones (-p on
 * every program that is not listed) spare a port number after them (ssh -p 22), and a glued value
 * (-pX) unless the whole is a single-dash long option of P_WORDS (-port, -path, ...) or P_SECRET_WORDS.
 */
type Program = { exact: string; loose: string; htpasswd?: boolean };
const ANY: Program = { exact: '', loose: 'p' };
const PROGRAMS: [RegExp, Program][] = [
  [
    /^(?:mysql|mariadb)[\w-]*$|^(?:sshpass|7z|7za|7zr|mongo|mongosh|mongodump|mongorestore|mongoexport|mongoimport)$/,
    { exact: 'p', loose: '' },
  ],
  [/^(?:redis|valkey|keydb)-cli$/, { exact: 'a', loose: 'p' }],
  [/^ldap[a-z]+$/, { exact: 'w', loose: 'p' }],
  [/^(?:sqlcmd|bcp|osql|isql|zip|unzip|zipcloak)$/, { exact: 'P', loose: 'p' }],
  [/^openssl$/, { exact: 'k', loose: 'p' }],
  [/^htpasswd$/, { exact: '', loose: '', htpasswd: true }],
];
const P_WORDS = new Set([
  '-port',
  '-path',
  '-pid',
  '-pidfile',
  '-pid-file',
  '-prefix',
  '-profile',
  '-proto',
  '-protocol',
  '-plugin',
  '-plugins',
  '-pprof',
  '-parallel',
  '-pthread',
  '-pedantic',
  '-pie',
  '-pipe',
  '-print',
  '-peer',
  '-peers',
  '-pool',
  '-poll',
  '-public',
  '-publish',
  '-pull',
  '-push',
  '-page',
  '-persist',
  '-preload',
  '-primary',
  '-priority',
  '-proxy',
  '-pretty',
  '-project',
  '-provider',
  '-ping',
  '-period',
  '-pattern',
]);
/** Single-dash long options that start with p and name a secret: they stay, and their value goes. */
const P_SECRET_WORDS = new Set([
  '-pass',
  '-password',
  '-passwd',
  '-passin',
  '-passout',
  '-passphrase',
  '-passfile',
  '-pwd',
  '-privatekey',
  '-private-key',
]);
const PORT = /^\d{1,5}(?::\d{1,5})*(?:\/(?:tcp|udp))?$/;
/** Bare words after which the next argument is a credential (mysqladmin password x, WITH PASSWORD x, AUTH [user] x). */
const KEYWORDS = new Map([
  ['password', 1],
  ['passwd', 1],
  ['pass', 1],
  ['passphrase', 1],
  ['secret', 1],
  ['token', 1],
  ['apikey', 1],
  ['api_key', 1],
  ['api-key', 1],
  ['auth', 2],
  ['bearer', 1],
]);
/** Authorization schemes: after a secret header name (Authorization: Bearer x) the credential is the word after them. */
const SCHEME = /^(?:bearer|basic|digest|token|negotiate|bot)$/i;
/** What may follow a secret option without being its value: a lower-case long option (--verbose). */
const LONG_OPTION = /^--[a-z][a-z0-9]*(?:[-_.][a-z0-9]+)*(?:=[\s\S]*)?$/;
const OPTION = /^--?[\w.-]+$/;
const USER_OPTION = /^(?:-[uU]|--?(?:[\w-]*-)?user(?:name)?)$/i;
const SHELL_SEPARATOR = /^(?:&&|\|\|?|;|&)$/;
const MAX_DEPTH = 4;

const programOf = (t: string) => PROGRAMS.find(([re]) => re.test(t.slice(t.lastIndexOf('/') + 1)))?.[1];
const isUserOption = (t: string) => USER_OPTION.test(t);

/** user:password and user%password (smbclient) lose what follows the first ':' or '%'. */
export function redactUserPass(value: string, isSecret: IsSecret): string {
  const m = /^([^:%\s]*[:%])([\s\S]+)$/.exec(value);
  if (!m) return redactText(value, isSecret);
  return m[1] + conceal(m[2]!);
}

/** htpasswd -b[n...] [file] user password: the positions of the password (and anything after it, to a shell separator). */
function htpasswdPasswords(tokens: string[]): Set<number> {
  const hidden = new Set<number>();
  tokens.forEach((t, h) => {
    if (!programOf(t)?.htpasswd) return;
    let batch = false,
      noFile = false;
    const positional: number[] = [];
    for (let j = h + 1; j < tokens.length; j++) {
      const a = tokens[j]!;
      if (SHELL_SEPARATOR.test(a)) break;
      if (/^-[A-Za-z]+$/.test(a)) {
        (batch ||= a.includes('b')), (noFile ||= a.includes('n'));
        if (/[Cr]/.test(a)) j++;
      } else positional.push(j);
      if (a.endsWith(';')) break;
    }
    if (batch) positional.slice(noFile ? 1 : 2).forEach((j) => hidden.add(j));
  });
  return hidden;
}

/** Splits like a shell: [gap, word, gap, word, ..., gap]; quotes keep whitespace inside a word when `quotes`. */
function shellSplit(s: string, quotes: boolean): string[] {
  const parts: string[] = [];
  let i = 0;
  for (;;) {
    const gap = i;
    while (i < s.length && /\s/.test(s[i]!)) i++;
    parts.push(s.slice(gap, i));
    if (i >= s.length) return parts;
    const word = i;
    while (i < s.length && !/\s/.test(s[i]!)) {
      const c = s[i]!;
      if (quotes && (c === '"' || c === "'")) {
        i++;
        while (i < s.length && s[i] !== c) i += c === '"' && s[i] === '\\' ? 2 : 1;
        i++;
      } else i += quotes && c === '\\' ? 2 : 1;
    }
    i = Math.min(i, s.length);
    parts.push(s.slice(word, i));
  }
}

/** An argument with whitespace in it, redacted as a command line of its own. */
function redactScript(text: string, isSecret: IsSecret, depth: number): string {
  const t = redactText(text, isSecret);
  if (t === REDACTED || depth >= MAX_DEPTH || !/\s/.test(t)) return t;
  const quoted = /^(["'])([\s\S]*)\1$/.exec(t);
  if (quoted && !quoted[2]!.includes(quoted[1]!)) return quoted[1] + redactScript(quoted[2]!, isSecret, depth + 1) + quoted[1];
  let parts = shellSplit(t, true);
  if (parts.length <= 3) parts = shellSplit(t, false);
  const words = redactTokens(
    parts.filter((_, i) => i % 2 === 1),
    isSecret,
    depth + 1,
  );
  return parts.map((p, i) => (i % 2 === 1 ? words[(i - 1) / 2] : p)).join('');
}

/** The state machine over one command line (argv, or the words of a script). */
export function redactTokens(tokens: string[], isSecret: IsSecret, depth = 0): string[] {
  const htpasswd = htpasswdPasswords(tokens);
  let program = ANY,
    hide = 0,
    portOk = false,
    user = false,
    identified = -9;
  const one = (t: string, i: number): string => {
    if (/\s/.test(t)) return redactScript(t, isSecret, depth);
    const short = /^-([A-Za-z])([\s\S]*)$/.exec(t);
    const letter = short?.[1] ?? '',
      glued = short?.[2] ?? '';
    const hidden = () => `-${letter}${glued.startsWith('=') ? `=${conceal(glued.slice(1)) || REDACTED}` : conceal(glued)}`;
    if (short && program.exact.includes(letter)) return glued ? hidden() : ((hide = 1), t);
    const head = t.split('=')[0]!;
    if (short && program.loose.includes(letter) && glued && !P_WORDS.has(head) && !P_SECRET_WORDS.has(head)) {
      if (OPTION.test(t) && isSecret(t.slice(1))) hide = 1; // -pXdsn: a password, or an option named so? Hide both.
      return hidden();
    }
    const kv = /^(-{0,2}[\w.-]+)=([\s\S]*)$/.exec(t);
    if (kv && isSecret(kv[1]!.replace(/^-+/, ''))) return (hide = kv[2] ? 0 : 1), `${kv[1]}=${conceal(kv[2]!) || REDACTED}`;
    if (kv && isUserOption(kv[1]!)) return `${kv[1]}=${redactUserPass(kv[2]!, isSecret)}`;
    if (OPTION.test(t) && isSecret(t.replace(/^-+/, ''))) return (hide = 1), t;
    if (isUserOption(t)) return (user = true), t;
    if (short && 'uU'.includes(letter) && glued) return `-${letter}${redactUserPass(glued, isSecret)}`;
    if (short && program.loose.includes(letter) && !glued) return (hide = 1), (portOk = true), t;
    const word = t.toLowerCase();
    if (word === 'identified') identified = i;
    else if (word === 'by' && i - identified <= 3) hide = 1;
    else if (KEYWORDS.has(word)) hide = KEYWORDS.get(word)!;
    else if (/^[A-Za-z_][\w.-]*:$/.test(t) && isSecret(t.slice(0, -1))) hide = 1;
    else if (namesSecret(t, isSecret) && !programOf(t)) hide = 1;
    return redactText(t, isSecret);
  };
  return tokens.map((t, i) => {
    if (htpasswd.has(i)) return t.endsWith(';') ? `${conceal(t.slice(0, -1))};` : conceal(t);
    if (hide > 0) {
      if (t === '=' || t === ':' || SCHEME.test(t)) return t;
      if (!LONG_OPTION.test(t) && !SHELL_SEPARATOR.test(t)) {
        hide--;
        const keep = portOk && PORT.test(t);
        portOk = false;
        // A hidden word may itself take a secret (-importkeystore -srcstorepass x, with mysql_native_password BY x): let it act.
        if (hide === 0) one(t, i);
        return keep ? t : conceal(t);
      }
      (hide = 0), (portOk = false);
    }
    const userValue = user && !t.startsWith('-');
    user = false;
    if (userValue) return redactUserPass(t, isSecret);
    program = programOf(t) ?? program;
    return one(t, i);
  });
}
