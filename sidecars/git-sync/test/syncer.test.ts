// The sync cycle against real git repositories in a temp directory (git on PATH, no network).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createLogger } from '../../lib/log.js';
import { Registry } from '../../lib/metrics.js';
import { FailureBudget } from '../src/budget.js';
import { registerMetrics } from '../src/metrics.js';
import { repair } from '../src/repair.js';
import { Store } from '../src/store.js';
import { Syncer, type SyncerOptions } from '../src/syncer.js';

interface Ctx {
  tmp: string;
  origin: string;
  work: string;
  root: string;
}
const test = suite<Ctx>('syncer', {} as Ctx);
const quiet = createLogger('test', 'error', () => undefined);
const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd, stdio: 'pipe' })
    .toString()
    .trim();

function commit(ctx: Ctx, files: Record<string, string>): string {
  for (const [f, text] of Object.entries(files)) writeFileSync(join(ctx.work, f), text);
  git(ctx.work, 'add', '-A');
  git(ctx.work, 'commit', '-q', '-m', 'c');
  git(ctx.work, 'push', '-q', ctx.origin, 'HEAD:refs/heads/main');
  return git(ctx.work, 'rev-parse', 'HEAD');
}

async function syncer(ctx: Ctx, o: Partial<SyncerOptions> = {}) {
  const store = new Store(ctx.root, 'current', 20_000);
  await store.init(ctx.origin);
  const registry = new Registry('git_sync');
  const m = registerMetrics(registry);
  const s = new Syncer({
    store,
    log: quiet,
    m,
    budget: new FailureBudget(2),
    ref: 'main',
    depth: 1,
    checkCommand: 'node --check app.js',
    checkTimeoutMs: 20_000,
    graceMs: 60_000,
    scan: () => ({ inUse: new Set(), uninspectable: 0 }),
    onExhausted: () => undefined,
    ...o,
  });
  return { store, m, s, registry };
}

test.before.each((ctx) => {
  ctx.tmp = mkdtempSync(join(tmpdir(), 'git-sync-syncer-'));
  ctx.origin = join(ctx.tmp, 'origin.git');
  ctx.work = join(ctx.tmp, 'work');
  ctx.root = join(ctx.tmp, 'site');
  mkdirSync(ctx.work);
  mkdirSync(ctx.root);
  execFileSync('git', ['init', '-q', '--bare', '-b', 'main', ctx.origin]);
  git(ctx.work, 'init', '-q', '-b', 'main');
});
test.after.each((ctx) => rmSync(ctx.tmp, { recursive: true, force: true }));

test('not synced before the first sync; then the head is published as worktrees/<sha> behind the link', async (ctx) => {
  const sha = commit(ctx, { 'app.js': 'module.exports = {};\n', 'index.html': 'one' });
  const { s, m } = await syncer(ctx);
  assert.is(s.synced, false);
  assert.is(await s.sync('start'), 'published');
  assert.is(s.synced, true);
  assert.is(
    execFileSync('readlink', [join(ctx.root, 'current')])
      .toString()
      .trim(),
    `worktrees/${sha}`,
  );
  assert.is(readFileSync(join(ctx.root, 'current', 'index.html'), 'utf8'), 'one');
  assert.is(m.revision.get({ sha }), 1);
  assert.is(await s.sync('poll'), 'unchanged');
});

test('a revision that fails the check is rejected, leaves no tree, is not re-checked, and the link stays', async (ctx) => {
  const good = commit(ctx, { 'app.js': 'module.exports = {};\n' });
  const { s, m, registry } = await syncer(ctx);
  await s.sync('start');
  const bad = commit(ctx, { 'app.js': 'module.exports = {\n' });
  assert.is(await s.sync('webhook'), 'rejected');
  assert.is(s.current, good);
  assert.is(readdirSync(join(ctx.root, 'worktrees')).join(), good);
  assert.is(await s.sync('poll'), 'unchanged');
  assert.is(m.checks.get({ result: 'fail' }), 1, 'checked once');
  assert.is(s.rejected, bad);
  assert.equal(registry.undeclaredLabels(), [], 'every series carries only the labels its metric declares');
  const fixed = commit(ctx, { 'app.js': 'module.exports = { ok: true };\n' });
  assert.is(await s.sync('webhook'), 'published');
  assert.is(s.current, fixed);
});

test('a first revision that fails its check leaves the sidecar unready, with nothing published', async (ctx) => {
  commit(ctx, { 'app.js': 'module.exports = {\n' });
  const { s } = await syncer(ctx);
  assert.is(await s.sync('start'), 'rejected');
  assert.is(s.synced, false);
  assert.is(s.current, undefined);
  const good = commit(ctx, { 'app.js': 'module.exports = {};\n' });
  assert.is(await s.sync('poll'), 'published');
  assert.equal({ synced: s.synced, current: s.current }, { synced: true, current: good });
});

test('triggers during a sync coalesce into one more sync after it', async (ctx) => {
  commit(ctx, { 'app.js': '1;\n' });
  const { s, m } = await syncer(ctx);
  const first = s.trigger('start');
  const [a, b, c] = [s.trigger('webhook'), s.trigger('webhook'), s.trigger('poll')];
  await Promise.all([first, a, b, c]);
  assert.is(m.syncs.get({ trigger: 'start', result: 'published' }), 1);
  assert.is(m.syncs.get({ trigger: 'webhook', result: 'unchanged' }), 1, 'one extra sync for three triggers');
  assert.is(m.syncs.get({ trigger: 'poll', result: 'unchanged' }), 0);
});

test('git errors are counted against the budget, the link stays, and a success resets it', async (ctx) => {
  const sha = commit(ctx, { 'app.js': '1;\n' });
  let exhausted = '';
  const { s, m } = await syncer(ctx, {
    onExhausted: (e) => {
      exhausted = e;
    },
  });
  await s.sync('start');
  renameSync(ctx.origin, `${ctx.origin}.away`);
  assert.equal([await s.sync('poll'), await s.sync('poll')], ['error', 'error']);
  assert.is(exhausted, '', 'two failures are within a budget of 2');
  assert.is(m.consecutive.get(), 2);
  assert.is(s.current, sha);
  assert.ok(existsSync(join(ctx.root, 'current', 'app.js')));
  assert.is(await s.sync('poll'), 'error');
  assert.match(exhausted, /ls-remote/, 'the third failure spends the budget');
  renameSync(`${ctx.origin}.away`, ctx.origin);
  assert.is(await s.sync('poll'), 'unchanged');
  assert.is(m.consecutive.get(), 0);
});

test('retired trees are removed after the grace period unless a process uses them or used them within it; the current one never', async (ctx) => {
  let now = 1_000_000;
  const inUse = new Set<string>();
  const { s } = await syncer(ctx, { graceMs: 5000, clock: () => now, scan: () => ({ inUse, uninspectable: 0 }) });
  const one = commit(ctx, { 'app.js': '1;\n' });
  await s.sync('start');
  const two = commit(ctx, { 'app.js': '2;\n' });
  await s.sync('webhook');
  const three = commit(ctx, { 'app.js': '3;\n' });
  await s.sync('webhook');
  const trees = () => readdirSync(join(ctx.root, 'worktrees')).sort();
  assert.equal(trees(), [one, three, two].sort(), 'all kept within the grace period');
  inUse.add(one);
  now += 5000;
  assert.equal(await s.collect(), [two]);
  assert.equal(trees(), [one, three].sort(), 'the tree in use stays');
  inUse.clear();
  now += 5000 - 1;
  assert.equal(await s.collect(), [], 'a tree seen in use keeps its grace from the last time it was seen');
  now += 1;
  assert.equal(await s.collect(), [one]);
  assert.equal(trees(), [three]);
});

test('with an adopt timeout, the next flip waits until a process uses the current tree, then publishes', async (ctx) => {
  const inUse = new Set<string>();
  let heldAt: string | undefined;
  const { s, store, m } = await syncer(ctx, {
    adoptTimeoutMs: 60_000,
    scan: () => {
      heldAt ??= store.current();
      if (!inUse.size) inUse.add(store.current()!); // the app takes the tree up after the first look
      return { inUse, uninspectable: 0 };
    },
  });
  const one = commit(ctx, { 'app.js': '1;\n' });
  await s.sync('start');
  assert.is(heldAt, undefined, 'the first flip of a process is not held');
  const two = commit(ctx, { 'app.js': '2;\n' });
  assert.is(await s.sync('webhook'), 'published');
  assert.is(heldAt, one, 'the link still named the last revision while the flip was held');
  assert.is(store.current(), two);
  assert.is(m.holds.get({ result: 'adopted' }), 1);
  assert.is(m.holds.get({ result: 'timeout' }), 0);
});

test('with an adopt timeout, a revision no process takes up holds the next flip only until the timeout', async (ctx) => {
  let scans = 0;
  const { s, store, m } = await syncer(ctx, {
    adoptTimeoutMs: 200,
    scan: () => (scans++, { inUse: new Set(), uninspectable: 0 }),
  });
  commit(ctx, { 'app.js': '1;\n' });
  await s.sync('start');
  const two = commit(ctx, { 'app.js': '2;\n' });
  assert.is(await s.sync('webhook'), 'published');
  assert.is(store.current(), two);
  assert.is(m.holds.get({ result: 'timeout' }), 1);
  assert.ok(scans >= 2, `looked more than once while holding (${scans})`);
});

test('a drain ends a held flip at once: the revision is published and the hold counted as stopped', async (ctx) => {
  let scans = 0;
  let holding: () => void = () => {};
  const held = new Promise<void>((r) => (holding = r));
  const { s, store, m } = await syncer(ctx, {
    adoptTimeoutMs: 600_000,
    scan: () => {
      if (++scans === 1) holding();
      return { inUse: new Set(), uninspectable: 0 };
    },
  });
  commit(ctx, { 'app.js': '1;\n' });
  await s.trigger('start');
  const two = commit(ctx, { 'app.js': '2;\n' });
  const syncing = s.trigger('webhook');
  await held;
  await s.drain();
  await syncing;
  assert.is(store.current(), two);
  assert.is(m.holds.get({ result: 'stopped' }), 1);
});

test('start-up repair removes a half-made staging tree and stale temporary links, and keeps the published one', async (ctx) => {
  const sha = commit(ctx, { 'app.js': '1;\n' });
  const { s, store } = await syncer(ctx);
  await s.sync('start');
  const next = commit(ctx, { 'app.js': '2;\n' });
  await store.git.fetch('main', 1);
  await store.stage(next); // a sync killed after checkout, before check and rename
  rmSync(join(store.path(`${next}.staging`), 'app.js')); // ... even a half-written checkout
  symlinkSync(`worktrees/${next}.staging`, join(ctx.root, '.current.tmp-abc123'));
  const fixed = await repair(store, quiet);
  assert.equal(
    { staging: fixed.staging, tempLinks: fixed.tempLinks, current: fixed.current },
    { staging: [`${next}.staging`], tempLinks: 1, current: sha },
  );
  assert.equal(readdirSync(join(ctx.root, 'worktrees')), [sha]);
  assert.equal(readdirSync(ctx.root).sort(), ['.repo', 'current', 'worktrees']);
  assert.not.match(git(ctx.root, '--git-dir', join(ctx.root, '.repo'), 'worktree', 'list', '--porcelain'), /staging|prunable/);
  // The next sync stages it again from scratch.
  const { s: again } = await syncer(ctx);
  assert.is(await again.sync('start'), 'published');
  assert.is(again.current, next);
});

test.run();
