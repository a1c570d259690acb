// The process level: git-sync's compiled main.js in a child process, as the image runs it.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { probe } from '../../lib/admin.js';
import { exited, runMain, type Run } from '../../lib/test-support/child.js';
import { freePort } from '../../lib/test-support/wait.js';
import { hostileRound } from '../../lib/test-support/hostile.js';
import { sign } from '../src/hmac.js';
import { KEY, PUSH } from './fixtures.js';

const MAIN = fileURLToPath(new URL('../src/main.js', import.meta.url));

interface Ctx {
  tmp: string;
  origin: string;
  root: string;
}
const test = suite<Ctx>('git-sync process', {} as Ctx);

test.before((ctx) => {
  ctx.tmp = mkdtempSync(join(tmpdir(), 'git-sync-main-'));
  ctx.origin = join(ctx.tmp, 'origin.git');
  ctx.root = join(ctx.tmp, 'site');
  mkdirSync(ctx.root);
  const work = join(ctx.tmp, 'work');
  execFileSync('git', ['init', '-q', '--bare', '-b', 'main', ctx.origin]);
  execFileSync('git', ['init', '-q', '-b', 'main', work]);
  const git = (...a: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...a], { cwd: work, stdio: 'pipe' });
  git('commit', '-q', '--allow-empty', '-m', 'c');
  git('push', '-q', ctx.origin, 'HEAD:refs/heads/main');
});
test.after((ctx) => rmSync(ctx.tmp, { recursive: true, force: true }));

const env = (ctx: Ctx, more: NodeJS.ProcessEnv): NodeJS.ProcessEnv => ({
  GIT_SYNC_REPO: ctx.origin,
  GIT_SYNC_ROOT: ctx.root,
  GIT_SYNC_WEBHOOK_SECRET: KEY,
  GIT_SYNC_WEBHOOK_ADDRESS: '127.0.0.1',
  GIT_SYNC_ADMIN_ADDRESS: '127.0.0.1',
  ...more,
});

/** Resolves when the child's stdout matches (an event, not a timer); fails when it exits first. */
const logged = (r: Run, re: RegExp) =>
  new Promise<void>((resolve, reject) => {
    const check = () => {
      if (re.test(r.stdout)) {
        r.child.stdout!.off('data', check);
        resolve();
      }
    };
    r.child.stdout!.on('data', check);
    r.child.once('exit', () => reject(new Error(`exited before logging ${re}: ${r.stderr}`)));
    check();
  });

const signedPush = (port: number) =>
  fetch(`http://127.0.0.1:${port}/webhook`, {
    method: 'POST',
    body: PUSH,
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(KEY, PUSH) },
  });

test('a webhook port already in use stops the start with exit 2 and one line naming --webhook-port', async (ctx) => {
  const taken: Server = await new Promise((r) => {
    const s = createServer().listen(0, '127.0.0.1', () => r(s));
  });
  const port = (taken.address() as { port: number }).port;
  try {
    const r = runMain(MAIN, [], env(ctx, { GIT_SYNC_WEBHOOK_PORT: String(port), GIT_SYNC_ADMIN_PORT: String(await freePort()) }));
    assert.equal(await exited(r), { code: 2, signal: null });
    assert.is(r.stderr, `git-sync: invalid --webhook-port (GIT_SYNC_WEBHOOK_PORT): 127.0.0.1:${port} is already in use\n`);
  } finally {
    taken.close();
  }
});

test('a webhook address that is not on this host stops the start with exit 2 and one line naming --webhook-address', async (ctx) => {
  const r = runMain(
    MAIN,
    [],
    env(ctx, {
      GIT_SYNC_WEBHOOK_ADDRESS: '192.0.2.1',
      GIT_SYNC_WEBHOOK_PORT: String(await freePort()),
      GIT_SYNC_ADMIN_PORT: String(await freePort()),
    }),
  );
  assert.equal(await exited(r), { code: 2, signal: null });
  assert.is(r.stderr, 'git-sync: invalid --webhook-address (GIT_SYNC_WEBHOOK_ADDRESS): 192.0.2.1 is not an address of this host\n');
});

test('a --root it cannot make its directories in stops the start with exit 2 and one line naming --root and the rule', async (ctx) => {
  // worktrees taken by a file, and (as root, who passes the writable check everywhere) /proc, where mkdir says ENOENT
  const taken = join(ctx.tmp, 'taken');
  mkdirSync(taken);
  writeFileSync(join(taken, 'worktrees'), '');
  const repoTaken = join(ctx.tmp, 'repo-taken');
  mkdirSync(repoTaken);
  writeFileSync(join(repoTaken, '.repo'), '');
  const cases: [string, string][] = [
    [taken, `${taken}: cannot create or write the directory ${join(taken, 'worktrees')} (EEXIST)`],
    [repoTaken, `${repoTaken}: cannot create or write the directory ${join(repoTaken, '.repo')} (EEXIST)`],
  ];
  const proc = '/proc';
  if (process.getuid?.() === 0) cases.push([proc, `${proc}: cannot create or write the directory ${join(proc, 'worktrees')} (ENOENT)`]);
  for (const [root, why] of cases) {
    const r = runMain(MAIN, [], env(ctx, { GIT_SYNC_ROOT: root, GIT_SYNC_ADMIN_PORT: String(await freePort()) }));
    assert.equal(await exited(r), { code: 2, signal: null }, r.stderr);
    assert.is(r.stderr, `git-sync: invalid --root (GIT_SYNC_ROOT): ${why}\n`);
  }
});

test('a --link that names a directory or a file in --root, not a symlink, stops the start with exit 2 and one line naming --link', async (ctx) => {
  for (const make of [(p: string) => mkdirSync(p), (p: string) => writeFileSync(p, '')]) {
    const root = mkdtempSync(join(ctx.tmp, 'link-taken-'));
    make(join(root, 'current'));
    const r = runMain(MAIN, [], env(ctx, { GIT_SYNC_ROOT: root, GIT_SYNC_ADMIN_PORT: String(await freePort()) }));
    assert.equal(await exited(r), { code: 2, signal: null }, r.stderr);
    assert.is(
      r.stderr,
      `git-sync: invalid --link (GIT_SYNC_LINK): ${join(root, 'current')} exists and is not a symbolic link (git-sync publishes its link there)\n`,
    );
  }
});

test('a webhook port equal to the admin port is refused before anything starts, in one line naming both', async (ctx) => {
  const r = runMain(MAIN, ['--webhook-port', '9100', '--admin-port', '9100'], env(ctx, {}));
  assert.equal(await exited(r), { code: 2, signal: null });
  assert.is(
    r.stderr,
    'git-sync: conflicting --webhook-port (GIT_SYNC_WEBHOOK_PORT) and --admin-port (GIT_SYNC_ADMIN_PORT): both are 9100; each listener needs its own port\n',
  );
  assert.is(r.stdout, '');
});

test('a running git-sync answers every malformed request target with a 4xx or a close, keeps running, and still takes a signed push', async (ctx) => {
  const [hook, admin] = [await freePort(), await freePort()];
  const r: Run = runMain(
    MAIN,
    [],
    env(ctx, { GIT_SYNC_WEBHOOK_PORT: String(hook), GIT_SYNC_ADMIN_PORT: String(admin), GIT_SYNC_WEBHOOK_TIMEOUT: '2s' }),
  );
  try {
    await logged(r, /"msg":"started"/);
    const round = await hostileRound({ port: hook });
    for (const [target, status] of round) assert.ok(status === undefined || (status >= 400 && status < 500), `${target}: ${status}`);
    assert.is(r.child.exitCode, null, `the process is still running (stderr: ${r.stderr})`);
    assert.is((await signedPush(hook)).status, 202);
    assert.ok(await probe(admin, '/healthz'));
    r.child.kill('SIGTERM');
    assert.equal(await exited(r), { code: 0, signal: null });
    assert.not.match(r.stdout, /"level":"error"/);
  } finally {
    r.child.kill('SIGKILL');
  }
});

test.run();
