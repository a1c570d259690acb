import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { MAX_GROWTH, REDACTED, redactArgs, redactEnv, redactUrlCredentials, secretMatcher } from '../src/redact.js';

const test = suite('redaction');
const isSecret = secretMatcher();

test('--password=value keeps the flag and loses the value, in every spelling', () => {
  assert.equal(redactArgs(['/opt/app/supervisor', '--password=hunter2', '-db-pass=x', 'api_key=y'], isSecret), [
    '/opt/app/supervisor',
    `--password=${REDACTED}`,
    `-db-pass=${REDACTED}`,
    `api_key=${REDACTED}`,
  ]);
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
  assert.equal(redactArgs(['run', 'ghp_abcdefghijklmnopqrstuvwx', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.sig'], isSecret), [
    'run',
    REDACTED,
    REDACTED,
  ]);
  assert.is(redactUrlCredentials('redis://:pw@cache:6379'), `redis://:${REDACTED}@cache:6379`);
  assert.is(redactUrlCredentials('https://example.test/path?q=1'), 'https://example.test/path?q=1');
});

test('environment variables with secret-looking names lose their values; others and PWD stay', () => {
  assert.equal(
    redactEnv(
      ['DB_PASSWORD=hunter2', 'APP_API_TOKEN=t0k', 'WORKERS=2', 'PWD=/opt/app', 'DATABASE_URL=mysql://u:p@db/x', 'EMPTY'],
      isSecret,
    ),
    {
      DB_PASSWORD: REDACTED,
      APP_API_TOKEN: REDACTED,
      WORKERS: '2',
      PWD: '/opt/app',
      DATABASE_URL: `mysql://u:${REDACTED}@db/x`,
      EMPTY: '',
    },
  );
});

test('--redact-words adds names to the built-in ones, case-insensitively', () => {
  const custom = secretMatcher(['licence', ' ']);
  assert.ok(custom('ACME_LICENCE'));
  assert.ok(!isSecret('ACME_LICENCE'));
  assert.ok(!custom('WORKERS'), 'a blank word does not make every name secret');
});

test('a whole mysql command line keeps everything but the password, so the feature stays useful', () => {
  assert.equal(redactArgs(['mysql', '-h', 'db', '-P', '3306', '-u', 'root', '-pS3cr3t!', 'appdb'], isSecret), [
    'mysql',
    '-h',
    'db',
    '-P',
    '3306',
    '-u',
    'root',
    `-p${REDACTED}`,
    'appdb',
  ]);
  assert.equal(redactArgs(['sh', '-c', 'mysql -uroot -pS3cr3t! appdb --port 3306'], isSecret), [
    'sh',
    '-c',
    `mysql -uroot -p${REDACTED} appdb --port 3306`,
  ]);
});

test('short options: -p hides a glued value on any program and the next one unless it is a port; single-dash long options like -port stay', () => {
  assert.equal(redactArgs(['app', '-p8080'], isSecret), ['app', `-p${REDACTED}`]);
  assert.equal(redactArgs(['ssh', '-p', '22', 'host'], isSecret), ['ssh', '-p', '22', 'host']);
  assert.equal(redactArgs(['mkdir', '-p', '/data'], isSecret), ['mkdir', '-p', REDACTED]);
  assert.equal(redactArgs(['mysql', '-p', '3306'], isSecret), ['mysql', '-p', REDACTED]);
  assert.equal(redactArgs(['server', '-port', '8080', '-pid-file', '/run/x.pid', '-path=/x'], isSecret), [
    'server',
    '-port',
    '8080',
    '-pid-file',
    '/run/x.pid',
    '-path=/x',
  ]);
  assert.equal(redactArgs(['htpasswd', '-pb', 'file', 'u', 'pw'], isSecret), ['htpasswd', '-pb', 'file', 'u', REDACTED]);
  assert.equal(redactArgs(['redis-server', '-a', 'x'], isSecret), ['redis-server', '-a', 'x'], '-a is a password on redis-cli only');
});

test('--user uid:gid loses what follows the colon (erring towards hiding); a plain user stays', () => {
  assert.equal(redactArgs(['docker', 'run', '--user', '1000:1000', '-u', 'app'], isSecret), [
    'docker',
    'run',
    '--user',
    `1000:${REDACTED}`,
    '-u',
    'app',
  ]);
});

test('PWD and OLDPWD keep their values as variables, but Pwd= inside a connection string is a password', () => {
  assert.equal(redactEnv(['PWD=/opt/app', 'OLDPWD=/', 'CONN=Server=db;Uid=sa;Pwd=x1;'], isSecret), {
    PWD: '/opt/app',
    OLDPWD: '/',
    CONN: `Server=db;Uid=sa;Pwd=${REDACTED};`,
  });
});

test('value redaction keeps what is around the secret: hosts, other fields, the key names', () => {
  assert.equal(
    redactArgs(
      [
        '--config={"user":"app","password":"x y","port":5432}',
        'https://hooks.slack.com/services/T0/B0/abcdefgh',
        'https://h.test/cb?code=1&sig=abc&v=2',
        'Authorization: Bearer sk_live_abcdefghijklmnop',
      ],
      isSecret,
    ),
    [
      `--config={"user":"app","password":"${REDACTED}","port":5432}`,
      `https://hooks.slack.com/services/${REDACTED}`,
      `https://h.test/cb?code=1&sig=${REDACTED}&v=2`,
      `Authorization: ${REDACTED}`,
    ],
  );
  assert.equal(redactEnv(['HT=admin:$apr1$abcdefgh$0123456789abcdefghijkl'], isSecret), { HT: `admin:${REDACTED}` });
});

test(`an argument that would grow by more than ${MAX_GROWTH} characters is hidden whole`, () => {
  const many = Array.from({ length: 8 }, (_, i) => `-p${i}`).join(' ');
  assert.equal(redactArgs(['sh', '-c', many], isSecret), ['sh', '-c', REDACTED]);
});

test('a keyword then its value: aws_secret_access_key S, client_secret S and Authorization: Bearer S lose S; their names and the rest stay', () => {
  assert.equal(redactArgs(['aws', 'configure', 'set', 'aws_secret_access_key', 'wJalrXUtnFEMI', '--profile', 'prod'], isSecret), [
    'aws',
    'configure',
    'set',
    'aws_secret_access_key',
    REDACTED,
    '--profile',
    'prod',
  ]);
  assert.equal(redactArgs(['sh', '-c', 'oauth2 client_secret hunter2 && run'], isSecret), [
    'sh',
    '-c',
    `oauth2 client_secret ${REDACTED} && run`,
  ]);
  assert.equal(redactArgs(['curl', '-H', 'Authorization:', 'Bearer', 'abc123', 'https://x.test/'], isSecret), [
    'curl',
    '-H',
    'Authorization:',
    'Bearer',
    REDACTED,
    'https://x.test/',
  ]);
  assert.equal(redactArgs(['app', '--password=', 'hunter2'], isSecret), ['app', `--password=${REDACTED}`, REDACTED]);
  assert.equal(redactArgs(['app', 'licence', 'L1C3NC3'], secretMatcher(['licence'])), ['app', 'licence', REDACTED], '--redact-words too');
});

test('words that merely contain a secret word spare what follows them: ssh-keygen, tokenize.py, monkey, bypass, author, keyboard, passenger', () => {
  const args = [
    ['ssh-keygen', '-t', 'ed25519', '-f', '/tmp/id'],
    ['python3', 'tokenize.py', 'input.txt'],
    ['monkey', 'patch'],
    ['bypass', 'cache'],
    ['author', 'alice'],
    ['keyboard', 'us'],
    ['passenger', 'start'],
    ['sh', '-c', 'cd /srv && pwd && ls'],
  ];
  for (const a of args) assert.equal(redactArgs(a, isSecret), a);
});

test.run();
