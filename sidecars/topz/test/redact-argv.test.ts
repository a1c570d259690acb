// Generated command-line shapes that carry a secret: options, user:password pairs, positional keywords.
// Each property puts the shape among other arguments, in a `sh -c` script, in an env value and after `--x=`.
import fc from 'fast-check';
import { suite } from 'uvu';
import { SECRET_WORDS } from '../src/redact.js';
import { anyCase, hiddenEverywhere, host, pick, secret, shape, user, word, type Shape } from './redact-gen.js';

const test = suite('redaction of command-line shapes (generated)');

/** Programs whose -p takes the password glued or as the next argument. */
const PASSWORD_P = pick('mysql', '/usr/bin/mysql', 'mysqldump', 'mysqladmin', 'mariadb', 'mariadb-dump', 'sshpass', '7z', 'mongosh');
/** A secret that could not pass for a single-dash long option (-port) or a port number (-p 8080). */
const notWordNorPort = secret.filter((s) => !/^[a-z-]+$/.test(s) && !/^\d+$/.test(s));

test('a password glued to -p never shows: mysql -pS, sshpass -pS, 7z -pS, -p=S and -pS on any other program', () => {
  hiddenEverywhere(
    fc.oneof(
      fc
        .tuple(PASSWORD_P, secret, pick([], ['-u', 'root'], ['-h', 'db', '-P', '3306']))
        .map(([p, s, o]) => shape([p, ...o, `-p${s}`, 'appdb'], s)),
      fc.tuple(word, notWordNorPort, pick('', '=')).map(([p, s, eq]) => shape([p, `-p${eq}${s}`], s)),
    ),
  );
});

test('a password after a spaced -p never shows: on password programs whatever it is, on others unless it is a port number', () => {
  hiddenEverywhere(
    fc.oneof(
      fc.tuple(PASSWORD_P, secret).map(([p, s]) => shape([p, '-p', s, 'appdb'], s)),
      fc.tuple(word, notWordNorPort).map(([p, s]) => shape([p, '-p', s], s)),
    ),
  );
});

test('the password options of redis-cli (-a), ldapsearch (-w), sqlcmd, bcp and zip (-P) and openssl (-k) hide their value, glued or not', () => {
  const programs = pick<[string, string]>(
    ['redis-cli', 'a'],
    ['valkey-cli', 'a'],
    ['ldapsearch', 'w'],
    ['ldapmodify', 'w'],
    ['sqlcmd', 'P'],
    ['bcp', 'P'],
    ['zip', 'P'],
    ['unzip', 'P'],
    ['openssl', 'k'],
  );
  hiddenEverywhere(
    fc.tuple(programs, secret, fc.boolean()).map(([[p, o], s, glued]) => shape([p, ...(glued ? [`-${o}${s}`] : [`-${o}`, s])], s)),
  );
});

const secretOption = fc
  .tuple(
    pick('--', '-'),
    pick(
      'password',
      'passwd',
      'pass',
      'db-password',
      'secret',
      'token',
      'api-key',
      'apikey',
      'auth-token',
      'client-secret',
      'storepass',
      'passphrase',
      'pwd',
    ),
  )
  .chain(([d, n]) => anyCase(n).map((c) => d + c));
/** A value starting with a dash: -S for any S, --S when S could not pass for a lower-case long option. */
const dashed = fc.oneof(
  secret.map((s) => ({ v: `-${s}`, s })),
  secret.filter((s) => /^[^a-z]/.test(s)).map((s) => ({ v: `--${s}`, s })),
);

test('the value of a secret-named option never shows, even when it starts with a dash: --password -S, --password=-S, -storepass S', () => {
  hiddenEverywhere(
    fc
      .tuple(
        secretOption,
        fc.oneof(
          dashed,
          secret.map((s) => ({ v: s, s })),
        ),
        fc.boolean(),
      )
      .map(([o, { v, s }, glued]) => shape(glued ? [`${o}=${v}`] : [o, v], s)),
  );
});

test('user:password pairs lose the password: --user u:S, -u u:S, -uu:S, --user=u:S, --proxy-user u:S, -U u%S, u:S@host', () => {
  const forms: ((u: string, s: string, h: string) => string[])[] = [
    (u, s) => ['--user', `${u}:${s}`],
    (u, s) => ['-u', `${u}:${s}`],
    (u, s) => [`-u${u}:${s}`],
    (u, s) => [`--user=${u}:${s}`],
    (u, s) => ['--proxy-user', `${u}:${s}`],
    (u, s) => ['-U', `${u}%${s}`],
    (u, s) => ['-U', `WORKGROUP/${u}%${s}`],
    (u, s, h) => [`${u}:${s}@${h}`],
  ];
  hiddenEverywhere(
    fc
      .tuple(pick(...forms), user, secret, host, pick('curl', 'wget', 'smbclient', 'docker', 'celery'))
      .map(([form, u, s, h, p]) => shape([p, ...form(u, s, h), 'https://example.test/'], s)),
  );
});

test('credentials after positional keywords never show: mysqladmin password S, IDENTIFIED BY S, WITH PASSWORD S, redis-cli AUTH [user] S, sshpass -p S', () => {
  const quote = pick("'", '"', '');
  const forms: fc.Arbitrary<Shape>[] = [
    fc.tuple(anyCase('password'), secret).map(([kw, s]) => shape(['mysqladmin', '-u', 'root', '-h', 'db', kw, s], s)),
    fc
      .tuple(anyCase('identified'), anyCase('by'), quote, user, secret)
      .map(([i, b, q, u, s]) => shape(['mysql', '-e', `ALTER USER '${u}'@'%' ${i} ${b} ${q}${s}${q}`], s)),
    fc
      .tuple(anyCase('identified'), anyCase('with'), anyCase('by'), user, secret)
      .map(([i, w, b, u, s]) => shape(['mysql', '-uroot', '-e', `CREATE USER ${u} ${i} ${w} mysql_native_password ${b} '${s}';`], s)),
    fc
      .tuple(anyCase('password'), quote, user, secret)
      .map(([kw, q, u, s]) => shape(['psql', '-c', `ALTER ROLE ${u} WITH ${kw} ${q}${s}${q}`], s)),
    fc.tuple(anyCase('auth'), host, secret).map(([kw, h, s]) => shape(['redis-cli', '-h', h, kw, s], s)),
    fc.tuple(anyCase('auth'), user, secret).map(([kw, u, s]) => shape(['redis-cli', kw, u, s], s)),
    fc
      .tuple(secret, user, host, fc.boolean())
      .map(([s, u, h, glued]) => shape(['sshpass', ...(glued ? [`-p${s}`] : ['-p', s]), 'ssh', `${u}@${h}`], s)),
  ];
  hiddenEverywhere(fc.oneof(...forms));
});

test('htpasswd -b never shows the password it takes from the command line, whatever the other flags', () => {
  const flags = fc
    .tuple(fc.subarray(['c', 'm', 'B', 'd', 's', 'p', 'i']), fc.boolean(), pick('none', 'glued', 'apart'))
    .chain(([fs, n, cost]) =>
      fc.shuffledSubarray([...fs, 'b', ...(n ? ['n'] : [])], { minLength: fs.length + 1 + (n ? 1 : 0) }).map((cluster) => ({
        n,
        opts:
          cost === 'glued'
            ? [`-${cluster.join('')}C`, '10']
            : cost === 'apart'
              ? [`-${cluster.join('')}`, '-C', '10']
              : [`-${cluster.join('')}`],
      })),
    );
  hiddenEverywhere(
    fc
      .tuple(flags, word, user, secret)
      .map(([{ n, opts }, file, u, s]) => shape(['htpasswd', ...opts, ...(n ? [] : [`/etc/nginx/${file}`]), u, s], s)),
  );
});

/** Every secret word the rules know (SECRET_WORDS), and the whole words people write with them. */
const secretWord = pick(
  ...SECRET_WORDS,
  'password',
  'passphrase',
  'secrets',
  'tokens',
  'keys',
  'apikey',
  'credential',
  'credentials',
  'cookies',
  'authorization',
);
/** A name ending in a secret word, in every style: aws_secret_access_key, client-secret, db.password, secretKey, API_TOKEN. */
const secretName = fc
  .tuple(pick([], ['aws', 'secret', 'access'], ['client'], ['db'], ['api'], ['access'], ['root'], ['app', 'private']), secretWord)
  .chain(([parts, w]) =>
    pick(
      [...parts, w].join('_'),
      [...parts, w].join('-'),
      [...parts, w].join('.'),
      [...parts, w].join('_').toUpperCase(),
      [...parts, w].map((p, i) => (i === 0 ? p : p[0]!.toUpperCase() + p.slice(1))).join(''),
    ),
  );

test('a secret after any secret-named keyword never shows: aws_secret_access_key S, client_secret = S, db.password: S, secretKey= S, for every secret word', () => {
  const forms: ((n: string, s: string) => string[])[] = [
    (n, s) => [n, s],
    (n, s) => [n, '=', s],
    (n, s) => [n, ':', s],
    (n, s) => [`${n}=`, s],
    (n, s) => [`${n}:`, s],
    (n, s) => [`--${n}=`, s],
  ];
  hiddenEverywhere(
    fc
      .tuple(pick(...forms), secretName, secret, pick('aws configure set', 'app', 'vault write x', 'env'))
      .map(([form, n, s, p]) => shape([...p.split(' '), ...form(n, s)], s)),
  );
});

test('an authorization header split over arguments never shows its credential: -H Authorization: Bearer S, Proxy-Authorization: Basic S, Bearer S', () => {
  const forms: fc.Arbitrary<Shape>[] = [
    fc
      .tuple(pick('Authorization', 'Proxy-Authorization', 'X-Auth-Token', 'authorization'), anyCase('bearer'), secret)
      .map(([h, b, s]) => shape(['curl', '-H', `${h}:`, b, s], s)),
    fc
      .tuple(pick('Authorization', 'Proxy-Authorization'), pick('Basic', 'Token', 'Digest'), secret)
      .map(([h, b, s]) => shape([`${h}:`, b, s], s)),
    fc.tuple(anyCase('bearer'), secret).map(([b, s]) => shape(['grpcurl', '-rpc-header', b, s], s)),
  ];
  hiddenEverywhere(fc.oneof(...forms));
});

test.run();
