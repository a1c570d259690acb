import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigError, parse } from '../../lib/parse.js';
import { spec } from '../src/params.js';
import { redactUrl } from '../src/repo-url.js';

const test = suite<{ tmp: string }>('git-sync params', { tmp: '' });
test.before((ctx) => { ctx.tmp = mkdtempSync(join(tmpdir(), 'git-sync-params-')); });
test.after((ctx) => rmSync(ctx.tmp, { recursive: true, force: true }));

const base = (tmp: string) => ['--root', tmp, '--repo', 'git://git-server/site.git'];
function configError(argv: string[], env: NodeJS.ProcessEnv = {}): string {
  try {
    parse(spec, argv, env);
    assert.unreachable('should throw');
  } catch (e) {
    assert.instance(e, ConfigError);
    return (e as Error).message;
  }
  return '';
}

test('defaults: branch main, link current, 10 s period, depth 1, no check, budget 10, grace 1 min, no webhook secret', ({ tmp }) => {
  const p = parse(spec, base(tmp), {});
  assert.equal({ ref: p.ref, link: p.link, period: p.period, depth: p.depth, check: p.checkCommand, max: p.maxFailures, grace: p.gcGrace, secret: p.webhookSecret },
    { ref: 'main', link: 'current', period: 10_000, depth: 1, check: '', max: 10, grace: 60_000, secret: undefined });
});

test('git URLs of every scheme and absolute paths are accepted; a user name without a password too', ({ tmp }) => {
  for (const repo of ['git://h/r.git', 'https://h/r.git', 'http://h:8080/r', 'ssh://git@h/r.git', 'file:///srv/r.git', '/srv/git/r.git', 'https://deploy@h/r.git']) {
    assert.is(parse(spec, ['--root', tmp, '--repo', repo], {}).repo, repo);
  }
});

test('a URL with a password is refused, and the message names the parameter but never repeats the password', ({ tmp }) => {
  const msg = configError(['--root', tmp], { GIT_SYNC_REPO: 'https://deploy:hunter2@h/r.git' });
  assert.match(msg, /^invalid --repo \(GIT_SYNC_REPO\): embeds a password/);
  assert.not.match(msg, /hunter2/);
});

test('other schemes, relative paths and a missing repo are refused with the rule', ({ tmp }) => {
  assert.match(configError(['--root', tmp, '--repo', 'ftp://h/r.git']), /is not a git URL/);
  assert.match(configError(['--root', tmp, '--repo', 'site.git']), /is not a git URL/);
  assert.is(configError(['--root', tmp]), 'required parameter: --repo or GIT_SYNC_REPO must be specified');
});

test('a link name must be a plain file name, and a ref may not look like an option or climb', ({ tmp }) => {
  for (const link of ['../escape', 'a/b', '.hidden']) assert.match(configError([...base(tmp), '--link', link]), /^invalid --link \(GIT_SYNC_LINK\)/);
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

test('an unknown GIT_SYNC_ variable is fatal', ({ tmp }) => {
  assert.match(configError(base(tmp), { GIT_SYNC_PERIDO: '1s' }), /^unknown environment variable: GIT_SYNC_PERIDO/);
});

test('user names are masked in logged URLs', () => {
  assert.is(redactUrl('https://deploy@h/r.git'), 'https://***@h/r.git');
  assert.is(redactUrl('git://h/r.git'), 'git://h/r.git');
});

test.run();
