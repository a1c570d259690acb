// Redaction inside one string (an argument or an environment value): secrets recognisable by their
// shape (tokens, hashes, URLs with credentials, webhooks) or by the name written next to them
// (password=x, "api_key": "x", password: x). Every pattern scans in linear time: starts are anchored
// on literal prefixes or on the first character of a word, and open-ended searches are bounded.
export const REDACTED = '<redacted>';
export type IsSecret = (name: string) => boolean;

/**
 * Hides a value but keeps its quotes, backslashes and line breaks ('x y' -> '<redacted>'), so that a
 * redacted script still splits into the same words and lines: redacting twice changes nothing.
 */
export const conceal = (value: string) => value.replace(/[^'"\\\r\n]+/g, REDACTED);

const PEM = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;

/** Webhook URLs whose path is the credential: the host and the path prefix stay. */
const WEBHOOKS =
  /(hooks\.slack\.com\/(?:services|workflows|triggers)\/|discord(?:app)?\.com\/api\/webhooks\/|\.webhook\.office\.com\/webhookb2\/|api\.telegram\.org\/bot)[^\s"'<>]+/gi;

/** Tokens with well-known prefixes, and JWTs: hidden whole, wherever they sit (not inside a longer word). */
const TOKENS = new RegExp(
  `(?<![A-Za-z0-9])(?:${[
    'eyJ[\\w-]{8,512}\\.[\\w-]{8,2048}(?:\\.[\\w-]*)*', // JWT (and JWE): header.payload[.signature]
    '[sr]k_(?:live|test)_[\\w-]{8,}', // Stripe secret and restricted keys
    'gh[pousr]_[\\w-]{16,}',
    'github_pat_[\\w-]{16,}', // GitHub
    'xox[abposre]-[\\w-]{10,}',
    'xapp-[\\w-]{10,}', // Slack
    '(?:AKIA|ASIA)[A-Z0-9]{16}[A-Za-z0-9]*', // AWS access key ids
    'glpat-[\\w-]{16,}',
    'AIza[\\w-]{30,}', // GitLab, Google API keys
    'sk-[\\w-]{20,}',
    'npm_[A-Za-z0-9]{30,}',
    'hf_[A-Za-z0-9]{30,}', // OpenAI-style, npm, Hugging Face
  ].join('|')})`,
  'g',
);

/** htpasswd / crypt(3) / LDAP password hashes: $apr1$, $2y$ (bcrypt), $1$ $5$ $6$ $y$, argon2, {SHA} {SSHA} ... */
const HASHES =
  /\$(?:apr1|2[abxy]?|1|5|6|7|y|gy|md5|sha1|sha256|sha512|argon2(?:id|i|d)|pbkdf2[\w-]*|scrypt)\$[^\s:"'<>]*|\{(?:S?SHA(?:256|384|512)?|S?MD5|CRYPT|PBKDF2[\w-]*|ARGON2)\}[^\s:"'<>]+/gi;

/** scheme://user:password@host -> scheme://user:<redacted>@host (the password may hold '@'; the last one before the path ends it). */
const URL_CREDENTIALS = /(?<![a-z0-9+.-])([a-z][a-z0-9+.-]*:\/\/[^/\s:@]{0,256}):([^\s/]{0,512})@/gi;
/** user:password@host without a scheme (brokers, proxies): user:<redacted>@host. */
const BARE_CREDENTIALS = /(?<![\w.:/@%+-])([\w.-]{1,128}):([^\s/]{1,256})@(?=[\w[])/g;
const AUTH_SCHEMES = /\b(Bearer\s+)[^\s"']+|\b(Basic\s+)[A-Za-z0-9+/=]{8,}/gi;
/** <password>x</password> */
const XML = /<([\w.:-]{1,64})>([^<]*)<\/\1>/g;
/** name=, name:, "name":, 'name' =, \"name\": (the value is read by hand, see valueAt). */
const NAMED = /(?<![\w.\\-])(\\?["']?)(-{0,2}[A-Za-z_][\w.-]*)\1([ \t]*)([=:])([ \t]*)/g;
/** Query parameters that hold a credential without a secret-looking name (Azure SAS signatures). */
const QUERY_ONLY = new Set(['sig']);

/** A bare word that can name a setting: letters and digits in parts joined by _ . or -, maybe quoted. */
const NAME = /^(["']?)([A-Za-z][A-Za-z0-9]*(?:[_.-][A-Za-z0-9]+)*)\1$/;
/** Whole secret words that end a name without ending in one of the secret words (password ends in "word"). */
const SECRET_ENDINGS = /(?:password|passwd|passphrase|credential|authorization)$/;
/** What may stand before "key" in one part and make it a secret's name (apikey, accesskey). */
const KEY_OWNERS = /^(?:api|access|secret|private|master|encryption|signing|license|licence|client|app|auth)$/;

/** Whether one part of a name ends in a secret word: secret, accesskey, dbpassword; not keyboard, bypass, monkey, tokenize. */
function endsSecret(part: string, isSecret: IsSecret): boolean {
  if (SECRET_ENDINGS.test(part)) return true;
  if (!isSecret(part) || isSecret(part.slice(0, -1))) return false;
  let k = part.length - 1;
  while (k > 0 && !isSecret(part.slice(k))) k--;
  const rest = part.slice(0, k);
  return rest === '' || part.length - k >= 5 || isSecret(rest) || KEY_OWNERS.test(rest);
}

/**
 * Whether a bare word names a secret, so that the word after it is its value (aws_secret_access_key x,
 * client-secret x, db.password x, secretKey x, API_TOKEN x): its last part ends in a secret word, or in
 * its plural. Erring towards hiding, as for options, but a word that merely contains one does not count.
 */
export function namesSecret(word: string, isSecret: IsSecret): boolean {
  const name = NAME.exec(word)?.[2];
  if (!name) return false;
  const last = name
    .replace(/([a-z0-9])(?=[A-Z])/g, '$1_')
    .split(/[_.-]/)
    .pop()!
    .toLowerCase();
  return endsSecret(last, isSecret) || (last.endsWith('s') && endsSecret(last.slice(0, -1), isSecret));
}

export function redactUrlCredentials(text: string): string {
  return text.replace(URL_CREDENTIALS, (_, head: string, pw: string) => `${head}:${conceal(pw)}@`);
}

/** Where the value at i ends: [start, end) of what to hide, and where scanning goes on. */
function valueAt(t: string, i: number, sep: string, spacedColon: boolean, jsonish: boolean, enclosing: string): [number, number, number] {
  for (const q of ['\\"', "\\'"]) {
    if (t.startsWith(q, i)) {
      const end = t.indexOf(q, i + 2);
      return end < 0 ? [i + 2, t.length, t.length] : [i + 2, end, end + 2];
    }
  }
  const c = t[i];
  if (c === '"' || c === "'") {
    let k = i + 1;
    while (k < t.length && t[k] !== c) k += t[k] === '\\' ? 2 : 1;
    return k >= t.length ? [i + 1, t.length, t.length] : [i + 1, k, k + 1];
  }
  if (c === '{' && sep === '=') {
    const end = t.indexOf('}', i + 1);
    return end < 0 ? [i + 1, t.length, t.length] : [i + 1, end, end + 1];
  }
  // 'Authorization: Bearer x' (a header in quotes) ends at its quote; password: x at the end of the line.
  const stop = jsonish
    ? /[\s,}\]&;]/g
    : spacedColon
      ? enclosing === "'"
        ? /[\r\n']/g
        : enclosing === '"'
          ? /[\r\n"]/g
          : /[\r\n]/g
      : /[\s&;]/g;
  stop.lastIndex = i;
  const end = stop.exec(t)?.index ?? t.length;
  return [i, end, end];
}

/** Values of secret-named fields: password=x, "api_key": "x", password: x (to the end of the line), Pwd={x}. */
function redactNamed(t: string, isSecret: IsSecret): string {
  let out = '';
  let from = 0;
  NAMED.lastIndex = 0;
  for (let m = NAMED.exec(t); m; m = NAMED.exec(t)) {
    const [whole, quote, rawName, , sep, after] = m as unknown as string[];
    const name = rawName!.replace(/^-+/, '');
    const inQuery = '?&;#'.includes(t[m.index - 1] ?? '');
    if (!isSecret(name) && !(inQuery && QUERY_ONLY.has(name.toLowerCase()))) continue;
    const at = m.index + whole!.length;
    const before = quote === '' ? (t[m.index - 1] ?? '') : '';
    const [start, end, next] = valueAt(t, at, sep!, sep === ':' && after !== '', quote !== '', before);
    if (end > start) (out += t.slice(from, start) + conceal(t.slice(start, end))), (from = end);
    NAMED.lastIndex = Math.max(next, at);
  }
  return out + t.slice(from);
}

/** Everything that can be recognised inside one string; a private key hides the whole string. */
export function redactText(text: string, isSecret: IsSecret): string {
  if (PEM.test(text)) return REDACTED;
  const t = text
    .replace(WEBHOOKS, `$1${REDACTED}`)
    .replace(TOKENS, REDACTED)
    .replace(HASHES, REDACTED)
    .replace(URL_CREDENTIALS, (_, head: string, pw: string) => `${head}:${conceal(pw)}@`)
    .replace(BARE_CREDENTIALS, (_, user: string, pw: string) => `${user}:${conceal(pw)}@`)
    .replace(AUTH_SCHEMES, (_, bearer: string | undefined, basic: string | undefined) => `${bearer ?? basic}${REDACTED}`)
    .replace(XML, (whole, name: string, value: string) => (value && isSecret(name) ? `<${name}>${conceal(value)}</${name}>` : whole));
  return redactNamed(t, isSecret);
}
