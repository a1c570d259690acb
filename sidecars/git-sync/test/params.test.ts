import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { thrownMessage, tmpSuite } from '../../lib/test-support/basics.js';
import { ConfigError, parse } from '../../lib/parse.js';
import { spec } from '../src/params.js';
import { redactUrl } from '../src/repo-url.js';

const test = tmpSuite('git-sync params');

const base = (tmp: string) => ['--root', tmp, '--repo', 'git://git-server/site.git'];
const configError = (argv: string[], env: NodeJS.ProcessEnv = {}) => thrownMessage(ConfigError, () => parse(spec, argv, env));

test('defaults: branch main, link current, 10 s period, depth 1, no check, budget 10, grace 1 min, no webhook secret', ({ tmp }) => {
  const p = parse(spec, base(tmp), {});
  assert.equal(
    {
      ref: p.ref,
      link: p.link,
      period: p.period,
      depth: p.depth,
      check: p.checkCommand,
      max: p.maxFailures,
      grace: p.gcGrace,
      secret: p.webhookSecret,
    },
    { ref: 'main', link: 'current', period: 10_000, depth: 1, check: '', max: 10, grace: 60_000, secret: undefined },
  );
});

test('git URLs of every scheme and absolute paths are accepted; so are an ssh user name and scp-style ssh addresses', ({ tmp }) => {
  for (const repo of [
    'git://h/r.git',
    'https://h/r.git',
    'http://h:8080/r',
    'ssh://git@h/r.git',
    'ssh://h:2222/r.git',
    'file:///srv/r.git',
    '/srv/git/r.git',
    'git@github.com:o/r.git',
    'deploy@h:/srv/r.git',
    'h:o/r',
    'ssh://git@[::1]:22/r',
    'git@[::1]:o/r',
    'https://h/a@b',
    '/srv/a@b.git',
  ]) {
    assert.is(parse(spec, ['--root', tmp, '--repo', repo], {}).repo, repo);
  }
});

test('a URL with a password is refused, and the message names the parameter but never repeats the password', ({ tmp }) => {
  const msg = configError(['--root', tmp], { GIT_SYNC_REPO: 'https://deploy:hunter2@h/r.git' });
  assert.match(msg, /^invalid --repo \(GIT_SYNC_REPO\): embeds a password/);
  assert.not.match(msg, /hunter2/);
});

test('any userinfo in an http(s), git or file URL is refused, a token as the user name included, and never echoed', ({ tmp }) => {
  const secrets = ['ghp_S3cr3tT0ken', 'x-access-token', 'hunter2', 'glpat-S3cr3t', 'oauth2', 'deploy'];
  for (const repo of [
    'https://ghp_S3cr3tT0ken@github.com/o/r',
    'https://x-access-token:ghp_S3cr3tT0ken@github.com/o/r.git',
    'http://deploy@h/r',
    'https://oauth2:glpat-S3cr3t@gitlab.example/o/r.git',
    'HTTPS://ghp_S3cr3tT0ken@github.com/o/r',
    'https://ghp_S3cr3tT0ken:@h/r',
    'https://@h/r',
    'https://a@b@h/r',
    'git://deploy@h/r.git',
    'file://deploy@localhost/srv/r.git',
    'https://ghp_S3cr3tT0ken@h/r with space',
    'https://hunter2\\@h/r',
  ]) {
    const msg = configError(['--root', tmp, '--repo', repo]);
    assert.match(msg, /^invalid --repo \(GIT_SYNC_REPO\): embeds a password or token before "@"/, repo);
    for (const s of secrets) assert.not.ok(msg.includes(s), `${repo} -> ${msg}`);
  }
});

test('an ssh user name is not a credential, but a password after it is refused, in URL and scp style alike', ({ tmp }) => {
  for (const repo of ['ssh://git:hunter2@h/r.git', 'git:hunter2@h:o/r', 'ssh://git:@h/r']) {
    const msg = configError(['--root', tmp, '--repo', repo]);
    assert.match(msg, /^invalid --repo \(GIT_SYNC_REPO\): embeds a password/, repo);
    assert.not.match(msg, /hunter2/);
  }
});

test('a value that is not a git URL is repeated in the error with anything before "@" masked', ({ tmp }) => {
  assert.is(
    configError(['--root', tmp, '--repo', 'ftp://h/r.git']),
    'invalid --repo (GIT_SYNC_REPO): "ftp://h/r.git" is not a git URL (git://, http(s)://, ssh://, file://, user@host:path or an absolute path)',
  );
  for (const repo of [
    'ftp://user:hunter2@h/r',
    'ftp://hunter2@h/r',
    'hunter2 x@h:r',
    'gopher://u:hunter2@@h/r',
    '-oProxyCommand=hunter2@h:r',
  ]) {
    const msg = configError(['--root', tmp, '--repo', repo]);
    assert.not.match(msg, /hunter2/, msg);
  }
});

test('other schemes, relative paths and a missing repo are refused with the rule', ({ tmp }) => {
  assert.match(configError(['--root', tmp, '--repo', 'ftp://h/r.git']), /is not a git URL/);
  assert.match(configError(['--root', tmp, '--repo', 'site.git']), /is not a git URL/);
  assert.is(configError(['--root', tmp]), 'required parameter: --repo or GIT_SYNC_REPO must be specified');
});

test('a link name must be a plain file name, and a ref may not look like an option or climb', ({ tmp }) => {
  for (const link of ['../escape', 'a/b', '.hidden'])
    assert.match(configError([...base(tmp), '--link', link]), /^invalid --link \(GIT_SYNC_LINK\)/);
  for (const ref of ['-x', 'a..b', 'has space']) assert.match(configError([...base(tmp), '--ref', ref]), /^invalid --ref \(GIT_SYNC_REF\)/);
  assert.is(parse(spec, [...base(tmp), '--ref', 'release/v1.2'], {}).ref, 'release/v1.2');
});

test('the period has a floor of 200ms, and the failure budget cannot be negative', ({ tmp }) => {
  assert.is(configError([...base(tmp), '--period', '50ms']), 'invalid --period (GIT_SYNC_PERIOD): 50ms is out of range (200ms-24h)');
  assert.is(parse(spec, [...base(tmp), '--period', '200ms'], {}).period, 200);
  assert.match(configError([...base(tmp), '--max-failures', '-1']), /^invalid --max-failures/);
});

test('the webhook secret comes from the env or a file, never a flag', ({ tmp }) => {
  const file = join(tmp, 'secret');
  writeFileSync(file, 's3cret\n');
  assert.is(parse(spec, base(tmp), { GIT_SYNC_WEBHOOK_SECRET_FILE: file }).webhookSecret, 's3cret');
  assert.is(parse(spec, base(tmp), { GIT_SYNC_WEBHOOK_SECRET: 'x' }).webhookSecret, 'x');
  assert.match(configError([...base(tmp), '--webhook-secret', 's3cret']), /is a secret and cannot be a flag/);
  assert.match(configError(base(tmp), { GIT_SYNC_WEBHOOK_SECRET_FILE: join(tmp, 'missing') }), /^invalid GIT_SYNC_WEBHOOK_SECRET_FILE/);
});

test('the webhook timeout defaults to 10 s and takes 100ms to 10m', ({ tmp }) => {
  assert.is(parse(spec, base(tmp), {}).webhookTimeout, 10_000);
  assert.is(parse(spec, base(tmp), { GIT_SYNC_WEBHOOK_TIMEOUT: '500ms' }).webhookTimeout, 500);
  assert.is(
    configError([...base(tmp), '--webhook-timeout', '10ms']),
    'invalid --webhook-timeout (GIT_SYNC_WEBHOOK_TIMEOUT): 10ms is out of range (100ms-10m)',
  );
});

test('an unknown GIT_SYNC_ variable is fatal', ({ tmp }) => {
  assert.match(configError(base(tmp), { GIT_SYNC_PERIDO: '1s' }), /^unknown environment variable: GIT_SYNC_PERIDO/);
});

test('user names are masked in logged URLs', () => {
  assert.is(redactUrl('https://deploy@h/r.git'), 'https://***@h/r.git');
  assert.is(redactUrl('git://h/r.git'), 'git://h/r.git');
});

test.run();
