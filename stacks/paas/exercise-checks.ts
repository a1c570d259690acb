// The checks of the paas lesson's exercises (exercises.ts), one function each, run against the learner's run, and
// the resets too long to read in the list: a check that needs a push makes it from a throwaway clone, and pushes
// the fix after a broken one (the helpers of exercise-support.ts).
import { $ } from 'zx';
import { eventually, expect, throughout } from '../../scripts/lib/check.js';
import * as docker from '../../scripts/lib/docker.js';
import { fail, pass, type Verdict } from '../../scripts/lib/exercise/types.js';
import type { StackContext } from '../../scripts/lib/stack-types.js';
import { BROKEN_APP, SERVED_BOUND_MS } from './checks-sync.js';
import { APPLY, linked, mainHead, NODEMON, publishes, pushFix, rejections, short, withClone } from './exercise-support.js';
import { endpoints, http, metrics, served, sum } from './support.js';

/** Exercise 1's reset: the seed's app.js back on main (pushed when it differs), then git-sync re-created. */
export async function restoreFixed(ctx: StackContext): Promise<void> {
  // The fix first: a git-sync started on a broken head would refuse it again, and never be ready.
  await withClone(ctx, (w) => pushFix(ctx, w));
  await ctx.project.recreate(['git-sync']);
}

/** Exercise 1: git-sync refused a broken revision, and the site serves the last good build (or the fix). */
export async function checkRefused(ctx: StackContext): Promise<Verdict> {
  const head = await mainHead(ctx);
  const now = async () => (await served(ctx.project)).revision;
  // A push git-sync has not finished with yet: wait until it refused it or the site serves it.
  const settled = async () => {
    const [refused, serving] = [await rejections(ctx), await now()];
    if (serving !== head && !refused.some((r) => r.revision === head)) throw new Error(`main is at ${head}, the site serves ${serving}`);
    return { refused, serving };
  };
  const { refused, serving } = await eventually(settled, { within: SERVED_BOUND_MS, every: 250 }).catch(async () => ({
    refused: await rejections(ctx),
    serving: await now(),
  }));
  const last = refused.at(-1);
  if (!last)
    return fail(
      `git-sync has refused no revision since it started, and the site serves ${short(serving)}: push an app.js with a syntax error`,
    );
  const why =
    last.output
      .split('\n')
      .find((l) => /error/i.test(l))
      ?.trim() ?? 'its check failed';
  const which = serving === head ? 'main’s head, your fix' : 'the last good build';
  return pass(`git-sync refused ${short(last.revision)} (${why}), and the site serves ${short(serving)}, ${which}`);
}

/** Exercise 2: git-sync runs with no check command, publishes a broken app.js, and the site stops answering. */
export async function checkNoCheckCommand(ctx: StackContext): Promise<Verdict> {
  const f = '{{json .Config.Env}}';
  const env = JSON.parse((await $`docker inspect --format ${f} ${await ctx.project.id('git-sync')}`.quiet()).stdout) as string[];
  const command = env.find((v) => v.startsWith('GIT_SYNC_CHECK_COMMAND='))?.slice('GIT_SYNC_CHECK_COMMAND='.length);
  if (command)
    return fail(`git-sync checks each revision with "${command}": set GIT_SYNC_CHECK_COMMAND: "" in compose.yaml, then ${APPLY}`);
  const { app } = await endpoints(ctx.project);
  return withClone(ctx, async (w) => {
    const bad = await w.commitBuild({ 'app.js': BROKEN_APP });
    try {
      await w.push();
      if (!(await publishes(ctx, bad.sha))) return fail(`git-sync did not publish the broken ${short(bad.sha)} within 30 s`);
      // Down: the crashed server accepts nothing, so a request waits in the backlog until it gives up.
      const down = await eventually(
        async () => {
          const r = await http(app, '/', { timeoutMs: 2000 }).catch((e: Error) => e);
          if (!(r instanceof Error)) throw new Error(`GET / still answers ${r.status} from ${short(String(r.headers['x-revision']))}`);
          return r.message;
        },
        { within: SERVED_BOUND_MS, every: 250 },
      ).catch((e: Error) => e);
      if (down instanceof Error) return fail(`git-sync published the broken ${short(bad.sha)}, but ${down.message}`);
      return pass(
        `with no check, git-sync published the broken ${short(bad.sha)} and the site stopped answering (${down}); the check pushed the fix`,
      );
    } finally {
      await pushFix(ctx, w);
    }
  });
}

/** Exercise 3's reset: the git server started again, and git-sync back to no failure in a row. */
export async function restoreGitServer(ctx: StackContext): Promise<void> {
  await ctx.project.up(120, { recreate: false });
  await eventually(async () => expect.equal(sum(await metrics(ctx.project), 'git_sync_consecutive_failures'), 0, 'failed syncs in a row'), {
    within: SERVED_BOUND_MS,
    every: 250,
  });
}

/** Exercise 3: the git server is stopped, git-sync counts failed syncs, and the site still serves. */
export async function checkServerStopped(ctx: StackContext): Promise<Verdict> {
  if ((await docker.state(await ctx.project.id('git-server'))).running)
    return fail('the git server is running: npm run stack:paas -- stop git-server');
  const failures = await eventually(
    async () => {
      const n = sum(await metrics(ctx.project), 'git_sync_consecutive_failures');
      expect.ok(n >= 1, 'failed syncs in a row', '>= 1', n);
      return n;
    },
    { within: SERVED_BOUND_MS, every: 250 },
  ).catch(() => 0);
  if (!failures) return fail('the git server is stopped, but git-sync has counted no failed sync in 30 s: is git-sync running?');
  const now = await served(ctx.project);
  return pass(
    `with the git server stopped, git-sync has failed ${failures} syncs in a row (it exits after 10), and the site still serves build ${now.build} (${short(now.revision)})`,
  );
}

/** Exercise 4: git-sync published a push, and removed a retired tree after its grace period. */
export async function checkFlip(ctx: StackContext): Promise<Verdict> {
  const m = await metrics(ctx.project);
  const published =
    sum(m, 'git_sync_syncs_total', { result: 'published' }) - sum(m, 'git_sync_syncs_total', { trigger: 'start', result: 'published' });
  if (!published) return fail('git-sync has published no push since it started: push a commit while you watch the link');
  const removed = await eventually(
    async () => {
      const n = sum(await metrics(ctx.project), 'git_sync_gc_removed_total');
      expect.ok(n >= 1, 'retired trees removed', '>= 1', n);
      return n;
    },
    { within: 45_000, every: 500 },
  ).catch(() => 0);
  if (!removed) return fail(`git-sync published ${published} push(es) but removed no retired tree in 45 s: does a process still use one?`);
  const trees = (await docker.exec(await ctx.project.id('app'), ['ls', '/srv/site/worktrees'])).split('\n').filter(Boolean);
  return pass(
    `the link flipped on ${published} push(es) and now names ${short(await linked(ctx))}; ${removed} retired tree(s) removed after the grace period, ${trees.length} left`,
  );
}

/** Exercise 5: nodemon runs without followSymlinks: false, and keeps serving the old revision after a flip. */
export async function checkFollowSymlinks(ctx: StackContext): Promise<Verdict> {
  const conf = JSON.parse(await docker.exec(await ctx.project.id('app'), ['cat', '/opt/app/nodemon.json'])) as {
    watchOptions?: { followSymlinks?: boolean };
  };
  if (conf.watchOptions?.followSymlinks === false)
    return fail(`the app’s nodemon still watches with followSymlinks: false: remove watchOptions from ${NODEMON}, then ${APPLY}`);
  const before = await served(ctx.project);
  return withClone(ctx, async (w) => {
    const next = await w.commitBuild();
    await w.push();
    if (!(await publishes(ctx, next.sha))) return fail(`git-sync did not publish ${short(next.sha)} within 30 s`);
    const restarted = await throughout(
      async () => expect.equal((await served(ctx.project)).revision, before.revision, 'revision the site serves after the flip'),
      { window: 6000, every: 250 },
    ).then(
      () => undefined,
      (e: Error) => e,
    );
    if (restarted)
      return fail(`nodemon restarted the server onto the new revision ${short(next.sha)}: does it still watch the link itself?`);
    return pass(
      `current names ${short(next.sha)}, and 6 s later the site still serves ${short(before.revision)}: nodemon watches the old tree, which never changes`,
    );
  });
}
