// Generated secrets inside one argument or env value: key=value, JSON and YAML fields, connection
// strings, well-known tokens, webhook URLs and password hashes. Placed as in redact-argv.test.ts.
import fc from 'fast-check';
import { suite } from 'uvu';
import { ALNUM, PW, anyCase, hiddenEverywhere, host, of, pick, secret, shape, user, word } from './redact-gen.js';

const test = suite('redaction of secrets inside values (generated)');

const secretName = fc
  .tuple(
    pick('', 'db_', 'app.', 'x-', 'MYSQL_', 'client_', 'spring.datasource.'),
    pick(
      'password',
      'passwd',
      'pwd',
      'secret',
      'token',
      'api_key',
      'apiKey',
      'access_token',
      'auth',
      'private_key',
      'credentials',
      'passphrase',
    ),
  )
  .chain(([p, w]) => anyCase(p + w));
const field: ((n: string, s: string) => string)[] = [
  (n, s) => `${n}=${s}`,
  (n, s) => `${n} = ${s}`,
  (n, s) => `${n}="${s}"`,
  (n, s) => `${n}='${s}'`,
  (n, s) => `"${n}":"${s}"`,
  (n, s) => `"${n}": "${s}"`,
  (n, s) => `'${n}': '${s}'`,
  (n, s) => `${n}: ${s}`,
  (n, s) => `${n}:${s}`,
  (n, s) => `\\"${n}\\":\\"${s}\\"`,
  (n, s) => `"${n}" : "${s}"`,
  (n, s) => `<${n}>${s}</${n}>`,
];

test('key=value, JSON and YAML secret fields inside one argument or env value lose their values', () => {
  const before = pick('', '{', '{"port":8080,', 'port=8080&', 'host: db\n', 'Server=db;', '?a=1&', '[', '- ', 'opts ', 'x=1,');
  const after = pick('', '}', ',"port":8080}', '&port=8080', '\nport: 8080', ';Database=x', ' --port 8080', ']', ',y=2');
  hiddenEverywhere(fc.tuple(pick(...field), secretName, secret, before, after).map(([f, n, s, b, a]) => shape([b + f(n, s) + a], s)));
});

test('connection strings lose their passwords: ADO/ODBC Password= and Pwd=, scheme://user:password@host, ?password= query parameters', () => {
  const ado = fc
    .tuple(secret, anyCase('password'), anyCase('pwd'), fc.boolean(), fc.boolean(), host, word, user)
    .chain(([s, pw, pwd, usePwd, braces, h, db, u]) =>
      fc
        .shuffledSubarray(
          [`Server=tcp:${h},1433`, `Database=${db}`, `User Id=${u}`, `${usePwd ? pwd : pw}=${braces ? `{${s}}` : s}`, 'Encrypt=True'],
          { minLength: 5 },
        )
        .chain((parts) => pick('', ';').map((end) => shape([parts.join(';') + end], s))),
    );
  const scheme = pick(
    'postgres',
    'postgresql',
    'mysql',
    'mongodb',
    'mongodb+srv',
    'redis',
    'rediss',
    'amqp',
    'amqps',
    'https',
    'ftp',
    'jdbc:postgresql',
  );
  const url = fc
    .tuple(
      scheme,
      pick('', 'admin', 'app_user'),
      secret,
      host,
      pick('', ':5432'),
      word,
      pick('', '?sslmode=require', '?retryWrites=true&w=majority'),
    )
    .map(([sc, u, s, h, port, db, q]) => shape([`${sc}://${u}:${s}@${h}${port}/${db}${q}`], s));
  const query = fc
    .tuple(scheme, host, word, pick('', 'sslmode=require&', 'user=app&'), anyCase('password'), secret, pick('', '&connect_timeout=10'))
    .map(([sc, h, db, b, n, s, a]) => shape([`${sc}://${h}/${db}?${b}${n}=${s}${a}`], s));
  hiddenEverywhere(fc.oneof(ado, url, query));
});

const UPPER_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const B64URL = `${ALNUM}_-`;
/** Well-known token prefixes with bodies of their real alphabets and lengths. */
const token = fc.oneof(
  fc.tuple(pick('sk_live_', 'rk_live_', 'sk_test_', 'rk_test_'), of(ALNUM, 16, 40)),
  fc.tuple(pick('ghp_', 'gho_', 'ghs_', 'ghu_', 'ghr_'), of(ALNUM, 36, 36)),
  fc.tuple(pick('github_pat_'), of(`${ALNUM}_`, 60, 82)),
  fc.tuple(pick('xoxb-', 'xoxp-', 'xoxa-', 'xoxr-', 'xapp-'), of(`${ALNUM}-`, 20, 60)),
  fc.tuple(pick('AKIA', 'ASIA'), of(UPPER_DIGITS, 16, 16)),
  fc.tuple(pick('glpat-'), of(B64URL, 20, 20)),
  fc.tuple(pick('AIza'), of(B64URL, 35, 35)),
  fc
    .tuple(of(B64URL, 10, 40), of(B64URL, 10, 80), of(B64URL, 0, 60))
    .map(([h, p, sig]) => ['', `eyJ${h}.eyJ${p}.${sig}`] as [string, string]),
);

test('well-known tokens never show, wherever they sit in a value: Stripe, GitHub, Slack, AWS key ids, GitLab, Google API keys, JWTs', () => {
  const before = pick('', ' ', '"', '=', 'x=', 'value:', '/', '(', '[', ',', 'Bearer ', 'using ');
  const after = pick('', '"', ' ', '&x=1', '/', ',', ';', ')', '\n', ' rest');
  hiddenEverywhere(
    fc.tuple(token, before, after).map(([[p, body], b, a]) => shape([b + p + body + a], ...body.split('.').filter((x) => x.length >= 6))),
  );
});

test('webhook URLs lose their tokens: Slack hooks, Discord webhooks, and any query parameter named token/key/sig/signature/secret/auth/password', () => {
  const slack = fc
    .tuple(of(UPPER_DIGITS, 8, 10), of(UPPER_DIGITS, 8, 10), of(ALNUM, 24, 24))
    .map(([t, b, s]) => shape([`https://hooks.slack.com/services/T${t}/B${b}/${s}`], s));
  const discord = fc
    .tuple(pick('discord.com', 'discordapp.com', 'canary.discord.com'), of('0123456789', 17, 19), of(B64URL, 60, 68))
    .map(([d, id, s]) => shape([`https://${d}/api/webhooks/${id}/${s}`], s));
  const param = fc
    .tuple(
      host,
      word,
      pick('', 'v=1&', 'sv=2021-08-06&se=2030-01-01&'),
      pick('token', 'key', 'sig', 'signature', 'secret', 'auth', 'password', 'access_token', 'api_key', 'apikey', 'X-Amz-Signature').chain(
        anyCase,
      ),
      of(PW, 6, 40),
      pick('', '&sp=r', '#top'),
    )
    .map(([h, p, b, n, s, a]) => shape([`https://${h}/${p}?${b}${n}=${s}${a}`], s));
  hiddenEverywhere(fc.oneof(slack, discord, param));
});

const HASH = `./${ALNUM}`;
const hash = fc.oneof(
  fc.tuple(of(HASH, 8, 8), of(HASH, 22, 22)).map(([salt, h]) => ({ text: `$apr1$${salt}$${h}`, parts: [salt, h] })),
  fc.tuple(pick('2y', '2a', '2b'), pick('05', '10', '12'), of(HASH, 53, 53)).map(([v, c, h]) => ({ text: `$${v}$${c}$${h}`, parts: [h] })),
  fc.tuple(pick('{SHA}', '{SSHA}'), of(`${ALNUM}+/`, 27, 27)).map(([p, h]) => ({ text: `${p}${h}=`, parts: [h] })),
  fc
    .tuple(pick('1', '5', '6'), of(HASH, 8, 16), of(HASH, 22, 86))
    .map(([v, salt, h]) => ({ text: `$${v}$${salt}$${h}`, parts: [salt, h] })),
);

/** Whether any 6-character piece of `text` stands inside one of `parts`. */
const sharesSixChars = (text: string, parts: string[]) =>
  Array.from({ length: Math.max(0, text.length - 5) }, (_, i) => text.slice(i, i + 6)).some((w) => parts.some((p) => p.includes(w)));

test('htpasswd and crypt hashes never show: $apr1$, $2y$ bcrypt, {SHA}, $1$/$5$/$6$, bare, as user:hash or as lines of a file', () => {
  hiddenEverywhere(
    fc
      .tuple(hash, hash, user, pick('bare', 'user', 'lines'))
      // A user name that happens to contain 6 characters of a salt or hash would "show" that piece by
      // right: such a draw says nothing about redaction.
      .filter(([a, b, u]) => !sharesSixChars(u, [...a.parts, ...b.parts]))
      .map(([a, b, u, form]) =>
        form === 'bare'
          ? shape([a.text], ...a.parts)
          : form === 'user'
            ? shape([`${u}:${a.text}`], ...a.parts)
            : shape([`${u}:${a.text}\nops:${b.text}\n`], ...a.parts, ...b.parts),
      ),
  );
});

test.run();
