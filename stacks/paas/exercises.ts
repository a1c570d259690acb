// The paas lesson's exercises: text, check, hints, solution and reset of each (scripts/lib/exercise/types.ts).
// `npm run gen` writes the README's Exercises section from this list; scripts/lib/test/exercises.docker.test.ts
// proves each one: its check fails on the untouched stack, passes once the solution is applied, and fails again
// after --reset, which leaves git status clean.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { $ } from 'zx';
import { eventually, expect, throughout } from '../../scripts/lib/check.js';
import { ROOT } from '../../scripts/lib/config.js';
import * as docker from '../../scripts/lib/docker.js';
import { type Exercise, fail, pass } from '../../scripts/lib/exercise/types.js';
import type { StackContext } from '../../scripts/lib/stack-types.js';
import { BROKEN_APP, SERVED_BOUND_MS } from './checks-sync.js';
import { endpoints, gitUrl, http, metrics, served, sum, waitServed, Work } from './support.js';

const APPLY = 'npm run stack:paas -- apply';
const NODEMON = 'legacy-apps/site-node/nodemon.json';
/** The site's own app.js, as the git server's first commit has it: what a fix puts back. */
const SEED_APP = readFileSync(join(ROOT, 'stacks', 'paas', 'site', 'app.js'), 'utf8');
/** A solution's clone of the site, in a directory of its own (the learner's is exercise 1's $site). */
const CLONE = 'site="$(mktemp -d)/site" && git clone -q "$GIT" "$site"';
const COMMIT = 'git -C "$site" -c user.name=learner -c user.email=learner@localhost commit -q';

const short = (sha: string) => sha.slice(0, 12);

/** The head of main on the git server, asked with the host's git. */
async function mainHead(ctx: StackContext): Promise<string> {
  const out = await $({
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0' },
  })`git ls-remote ${await gitUrl(ctx.project)} refs/heads/main`.quiet();
  return out.stdout.split('\t')[0]!.trim();
}

/** The revision git-sync's link points at (its git_sync_revision metric). */
async function linked(ctx: StackContext): Promise<string> {
  const key = [...(await metrics(ctx.project)).keys()].find((k) => k.startsWith('git_sync_revision{')) ?? '';
  return /sha="([0-9a-f]{40})"/.exec(key)?.[1] ?? 'none';
}

interface Rejection {
  revision: string;
  output: string;
}

/** The revisions git-sync's current container refused to publish, from its JSON log lines. */
async function rejections(ctx: StackContext): Promise<Rejection[]> {
  const out = await $`docker logs ${await ctx.project.id('git-sync')}`.quiet();
  return `${out.stdout}\n${out.stderr}`
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => l.msg === 'pre-publish check failed; revision not published')
    .map((l) => ({ revision: String(l.revision), output: String(l.output ?? '') }));
}

/** A throwaway clone in the run's own directory, for a check or a reset that pushes; removed after `fn`. */
async function withClone<T>(ctx: StackContext, fn: (w: Work) => Promise<T>): Promise<T> {
  const w = await Work.clone(ctx, `exercise-clone-${Date.now()}`);
  try {
    return await fn(w);
  } finally {
    rmSync(w.dir, { recursive: true, force: true });
  }
}

/** Commits and pushes the seed's app.js when main's differs, and waits until the site serves it. */
async function pushFix(ctx: StackContext, w: Work): Promise<void> {
  if (readFileSync(join(w.dir, 'app.js'), 'utf8') === SEED_APP) return;
  const fixed = await w.commitBuild({ 'app.js': SEED_APP });
  const t0 = Date.now();
  await w.push();
  await waitServed(ctx.project, fixed.sha, t0, SERVED_BOUND_MS, 250);
}

/** Waits until git-sync's link names `sha`; false when it does not within the bound. */
const publishes = (ctx: StackContext, sha: string) =>
  eventually(async () => expect.equal(await linked(ctx), sha, 'revision git-sync publishes'), { within: SERVED_BOUND_MS, every: 250 }).then(
    () => true,
    () => false,
  );

const exercises: Exercise[] = [
  {
    title: 'Break it.',
    text: `Bring the stack up, clone its site from the git server, and push an \`app.js\` with a syntax error. git-sync
checks each revision before it publishes it (\`bun build --no-bundle app.js\`): it refuses this one, and the site
keeps serving the previous build. git-sync's log says why, with Bun's parse error, and \`git_sync_checks_total\`
counts the failed check. Then revert the commit and push again: the fix goes live.

\`\`\`sh
npm run stack:paas -- up
eval "$(npm run -s stack:paas -- urls --env)"
site="$(mktemp -d)/site" && git clone "$GIT" "$site"
printf 'module.exports = {\\n' > "$site/app.js"
git -C "$site" commit -am broken && git -C "$site" push
npm run stack:paas -- logs --tail 2 git-sync
curl -s "$METRICS" | grep checks_total
curl -s "$SITE" | grep build
git -C "$site" revert --no-edit HEAD && git -C "$site" push
\`\`\``,
    hints: [
      '`urls --env` exports $GIT, the git server on 127.0.0.1: a lab server, so the clone and the push need no credentials.',
      'The check reads git-sync’s log for "pre-publish check failed; revision not published", and asks the site which revision it serves.',
      'A revert is a new commit: git-sync checks it like any other, and publishes it.',
    ],
    solution: {
      commands: [CLONE, `printf 'module.exports = {\\n' > "$site/app.js"`, `${COMMIT} -am broken && git -C "$site" push -q`],
    },
    async restore(ctx) {
      // The fix first: a git-sync started on a broken head would refuse it again, and never be ready.
      await withClone(ctx, (w) => pushFix(ctx, w));
      await ctx.project.recreate(['git-sync']);
    },
    async check(ctx) {
      const head = await mainHead(ctx);
      const now = async () => (await served(ctx.project)).revision;
      // A push git-sync has not finished with yet: wait until it refused it or the site serves it.
      const settled = async () => {
        const [refused, serving] = [await rejections(ctx), await now()];
        if (serving !== head && !refused.some((r) => r.revision === head))
          throw new Error(`main is at ${head}, the site serves ${serving}`);
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
    },
  },
  {
    title: 'Now remove the safety net.',
    text: `Set \`GIT_SYNC_CHECK_COMMAND: ""\` in compose.yaml, apply it to the run, and push the same broken \`app.js\`
from your clone of exercise 1. git-sync publishes it, nodemon restarts the server, the server throws while loading
\`app.js\`, and nodemon waits ("app crashed - waiting for file changes"). Requests now hang in the socket's backlog:
the site is down until someone pushes a fix. That is the failure the pre-publish check exists for. The check pushes
a broken commit itself, waits for the site to stop answering, then pushes the fix.

\`\`\`sh
${APPLY}
git -C "$site" pull -q
printf 'module.exports = {\\n' > "$site/app.js"
git -C "$site" commit -am broken && git -C "$site" push
curl -m 3 "$SITE"
npm run stack:paas -- logs --tail 3 app
git -C "$site" revert --no-edit HEAD && git -C "$site" push
\`\`\``,
    hints: [
      'GIT_SYNC_CHECK_COMMAND is under the git-sync service’s environment; an empty value means no check at all.',
      `\`${APPLY}\` re-creates git-sync with its new environment; the app and the site volume stay.`,
      'The check wants git-sync running with an empty check command, then publishes a broken app.js and waits up to 30 s for GET / to stop answering.',
    ],
    solution: {
      patch: `--- a/stacks/paas/compose.yaml
+++ b/stacks/paas/compose.yaml
@@ -47,3 +47,3 @@
       GIT_SYNC_PERIOD: \${SYNC_PERIOD:-3s}
-      GIT_SYNC_CHECK_COMMAND: bun build --no-bundle app.js >/dev/null
+      GIT_SYNC_CHECK_COMMAND: ""
       GIT_SYNC_GC_GRACE: \${GC_GRACE:-15s}
`,
      commands: [APPLY],
    },
    touches: ['stacks/paas/compose.yaml'],
    break: 'no-check-command',
    async check(ctx) {
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
    },
  },
  {
    title: 'Pull the plug.',
    text: `Stop the git server. The site keeps serving, and \`git_sync_consecutive_failures\` climbs with each poll
(every 3 s here). After \`--max-failures\` (10) failures in a row git-sync exits and Compose restarts it; the link
stays. Run the check while the server is stopped; then start it again (its port may change: \`urls\` prints the new
one) and push: the push is live within a period.

\`\`\`sh
npm run stack:paas -- stop git-server
curl -s "$METRICS" | grep -E 'consecutive|failures_total'
curl -s "$SITE" | grep build
npm run stack:paas -- start git-server
\`\`\``,
    hints: [
      '`stop` is Docker Compose’s stop, on the run: the git server’s container stays, stopped, until `start`.',
      'git-sync polls every 3 s: each poll that cannot reach the server is one more failure. The check waits up to 30 s for one.',
      'Once its budget is spent, git-sync exits 1 and the restart policy brings it back: its counter starts again, and the link stays.',
    ],
    solution: { commands: ['npm run stack:paas -- stop git-server'] },
    async restore(ctx) {
      await ctx.project.up(120, { recreate: false });
      await eventually(
        async () => expect.equal(sum(await metrics(ctx.project), 'git_sync_consecutive_failures'), 0, 'failed syncs in a row'),
        { within: SERVED_BOUND_MS, every: 250 },
      );
    },
    async check(ctx) {
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
    },
  },
  {
    title: 'Watch the flip.',
    text: `In a second terminal, watch the link while you push a commit: it flips from one tree to the next in one
step, and never names a half-made one. The tree it leaves is retired: git-sync removes it after its grace period (15 s
here), and only once no process in the pod has a file open in it (the old server keeps its working directory there
until nodemon stops it). List the trees again a little later.

\`\`\`sh
npm run stack:paas -- exec app sh -c 'while :; do readlink /srv/site/current; sleep 0.2; done'
git -C "$site" pull -q && git -C "$site" commit --allow-empty -m flip && git -C "$site" push
npm run stack:paas -- exec app ls /srv/site/worktrees
curl -s "$METRICS" | grep gc_removed
\`\`\``,
    hints: [
      'Any commit will do, an empty one too: git-sync publishes each new revision as a tree of its own.',
      'git_sync_gc_removed_total counts the retired trees removed; the check waits up to 45 s for one after your push.',
    ],
    solution: { commands: [CLONE, `${COMMIT} --allow-empty -m flip && git -C "$site" push -q`] },
    recreate: ['git-sync'],
    async check(ctx) {
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
      if (!removed)
        return fail(`git-sync published ${published} push(es) but removed no retired tree in 45 s: does a process still use one?`);
      const trees = (await docker.exec(await ctx.project.id('app'), ['ls', '/srv/site/worktrees'])).split('\n').filter(Boolean);
      return pass(
        `the link flipped on ${published} push(es) and now names ${short(await linked(ctx))}; ${removed} retired tree(s) removed after the grace period, ${trees.length} left`,
      );
    },
  },
  {
    title: 'Why `followSymlinks: false`?',
    text: `Remove \`watchOptions\` from \`${NODEMON}\` and apply it: the file is copied into the app's image
(images/Dockerfile, target legacy-site), so \`apply\` rebuilds that image and re-creates the app. Push a commit and
explain why nodemon no longer restarts the server: \`current\` names the new revision, and the site keeps serving the
old one. The check pushes a commit itself and watches the site for 6 s.

\`\`\`sh
${APPLY}
git -C "$site" pull -q && git -C "$site" commit --allow-empty -m unseen && git -C "$site" push
npm run stack:paas -- exec app readlink /srv/site/current
curl -sI "$SITE" | grep -i x-revision
\`\`\``,
    hints: [
      'nodemon reads its configuration from the image: editing the file changes nothing until apply has rebuilt the image.',
      'chokidar, nodemon’s watcher, follows a symbolic link by default: it watches the tree the link named when it started, not the link.',
      'A flip renames a new link over `current`: the old tree does not change at all, so nothing it watches moves.',
    ],
    solution: {
      patch: `--- a/${NODEMON}
+++ b/${NODEMON}
@@ -3,5 +3,4 @@
   "ext": "*",
   "ignore": ["/srv/site/worktrees", "/srv/site/.repo"],
-  "watchOptions": { "followSymlinks": false, "depth": 0 },
   "signal": "SIGTERM",
   "delay": 0,
`,
      commands: [APPLY],
    },
    touches: [NODEMON],
    async check(ctx) {
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
    },
  },
];

export default exercises;
