// Checks 4-5: the git server going away, and the sidecar dying in the middle of a sync.
import { randomBytes } from 'node:crypto';
import { $ } from 'zx';
import { eventually, expect, type Check } from '../../scripts/lib/check.js';
import * as docker from '../../scripts/lib/docker.js';
import type { StackContext } from '../../scripts/lib/lifecycle.js';
import { note, SERVED_BOUND_MS, workOf } from './checks-sync.js';
import { forgetGitUrl, http, endpoints, metrics, served, sum, waitServed, type Work } from './support.js';

type C = Check<StackContext>;

export const gitServerDown: C = {
  weight: 'heavy',
  name: 'with the git server stopped, syncs fail within the failure budget, the sidecar keeps running and the last good revision is served; after recovery a new push is published by polling alone',
  effect: 'destroys',
  async run(ctx) {
    const w = await workOf(ctx);
    const [serverId, syncId] = [await ctx.project.id('git-server'), await ctx.project.id('git-sync')];
    const good = await served(ctx.project);
    const side0 = await docker.state(syncId);
    const f0 = sum(await metrics(ctx.project), 'git_sync_failures_total');
    await $`docker stop -t 2 ${serverId}`.quiet();
    try {
      const f1 = await eventually(
        async () => {
          const f = sum(await metrics(ctx.project), 'git_sync_failures_total');
          expect.ok(f - f0 >= 2, 'failed syncs counted while the git server is down', `>= ${f0 + 2}`, f);
          return f;
        },
        { within: SERVED_BOUND_MS, every: 250 },
      );
      const now = await served(ctx.project);
      expect.equal(now.revision, good.revision, `revision served after ${f1 - f0} failed syncs`);
      const side1 = await docker.state(syncId);
      expect.equal(
        { pid: side1.pid, restarts: side1.restartCount },
        { pid: side0.pid, restarts: side0.restartCount },
        'the sidecar was not restarted (budget not spent)',
      );
      const { admin } = await endpoints(ctx.project);
      expect.equal((await http(admin, '/readyz')).status, 200, 'readyz while serving the last good revision');
    } finally {
      await $`docker start ${serverId}`.quiet();
      forgetGitUrl(ctx.project);
    }
    // Recovery: the first push the server accepts again goes live by polling alone.
    const next = await w.commitBuild();
    const t0 = await eventually(
      async () => {
        const t = Date.now();
        await w.push({ webhook: false });
        return t;
      },
      { within: 15000, every: 250 },
    );
    const ms = await waitServed(ctx.project, next.sha, t0, SERVED_BOUND_MS);
    expect.equal(sum(await metrics(ctx.project), 'git_sync_consecutive_failures'), 0, 'consecutive failures after recovery');
    note(
      `${sum(await metrics(ctx.project), 'git_sync_failures_total') - f0} failed syncs during the outage; after recovery the push was live in ${ms} ms`,
    );
  },
};

/** Runs inside the app container (same uid and PID namespace as git-sync): waits for the staging tree of
 * revision SHA, SIGKILLs git-sync's main process at that moment, and reports what the link pointed at then.
 * If the revision goes live first (the checkout was over before this process looked), it says so: missed. */
const KILL_MID_SYNC = `const fs = require('fs');
const sha = process.argv[1];
const end = Date.now() + 30000;
const sidecar = () => fs.readdirSync('/proc').filter((d) => /^\\d+$/.test(d)).find((p) => {
  try { const c = fs.readFileSync('/proc/' + p + '/cmdline', 'utf8').split('\\0'); return c[1] === '/opt/sidecar/main.mjs' && c[2] !== 'healthcheck'; } catch { return false; }
});
console.log('watching');
(function poll() {
  let staging, live;
  try { staging = fs.readdirSync('/srv/site/worktrees').find((n) => n === sha + '.staging'); } catch {}
  if (staging) {
    const pid = sidecar();
    process.kill(Number(pid), 'SIGKILL');
    const link = fs.readlinkSync('/srv/site/current');
    const page = fs.readFileSync('/srv/site/current/version.txt', 'utf8').trim();
    console.log(JSON.stringify({ staging, pid, link, page, stagingAfterKill: fs.existsSync('/srv/site/worktrees/' + staging) }));
    return;
  }
  try { live = fs.readlinkSync('/srv/site/current') === 'worktrees/' + sha; } catch {}
  if (live) console.log(JSON.stringify({ missed: true }));
  else if (Date.now() > end) console.log(JSON.stringify({ timeout: true }));
  else setImmediate(poll);
})();`;

interface Seen {
  missed?: boolean;
  timeout?: boolean;
  staging: string;
  link: string;
  page: string;
  stagingAfterKill: boolean;
}

/** 600 files of 8 KB: a checkout that takes long enough to be caught half-way on any machine. */
const bulk = (build: number) =>
  Object.fromEntries(Array.from({ length: 600 }, (_, i) => [`bulk/${i}.txt`, randomBytes(6000).toString('base64') + build]));

/** Pushes the next build while the killer watches for its staging tree; resolves with what the killer saw. */
async function pushUnderKiller(w: Work, appId: string) {
  const next = await w.commitBuild(bulk(Date.now()));
  const killer = $({ quiet: true })`docker exec ${appId} node -e ${KILL_MID_SYNC} ${next.sha}`;
  // The push goes out once the killer says it is watching (its first line), not after a guessed delay.
  await new Promise<void>((resolve, reject) => {
    let out = '';
    killer.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('watching\n')) resolve();
    });
    killer.then(() => reject(new Error(`the killer ended before watching: ${out}`)), reject);
  });
  await w.push();
  return { next, seen: JSON.parse((await killer).stdout.trim().split('\n').pop()!) as Seen };
}

export const killMidSync: C = {
  name: 'SIGKILL to the sidecar while a revision is half checked out leaves the link on a complete tree; the restarted sidecar removes the half-made tree and publishes the revision',
  effect: 'destroys',
  async run(ctx) {
    const w = await workOf(ctx);
    const [appId, syncId] = [await ctx.project.id('app'), await ctx.project.id('git-sync')];
    const side0 = await docker.state(syncId);
    // A try whose checkout ended before the killer looked is not a failure of the sidecar: the revision is
    // live, and the next push is tried. Five misses in a row would mean the killer cannot see staging at all.
    let good = await served(ctx.project);
    let tries: number;
    let { next, seen } = await pushUnderKiller(w, appId);
    for (tries = 1; seen.missed && tries < 5; tries++) {
      await waitServed(ctx.project, next.sha, Date.now(), SERVED_BOUND_MS);
      good = await served(ctx.project);
      ({ next, seen } = await pushUnderKiller(w, appId));
    }
    note(`the killer caught the checkout half-way on try ${tries}`);
    expect.equal(
      { missed: seen.missed, timeout: seen.timeout, staging: seen.staging },
      { missed: undefined, timeout: undefined, staging: `${next.sha}.staging` },
      'the sidecar was killed while the new revision was being staged',
    );
    expect.equal(
      { link: seen.link, page: seen.page },
      { link: `worktrees/${good.revision}`, page: `build ${good.build}` },
      'the link right after the kill: the previous, complete tree',
    );
    expect.equal(
      (await served(ctx.project)).revision,
      good.revision,
      'the app still serves the previous revision while the sidecar is down',
    );
    // The restart policy brings it back; start-up repair removes the half-made tree, then it syncs.
    await waitServed(ctx.project, next.sha, Date.now(), 30000, 100);
    const side1 = await docker.state(syncId);
    expect.ok(
      side1.restartCount > side0.restartCount,
      'the sidecar really died and was restarted',
      `restart count > ${side0.restartCount}`,
      side1.restartCount,
    );
    expect.ok(
      seen.stagingAfterKill,
      'a half-made tree existed after the kill (so there was something to repair)',
      true,
      seen.stagingAfterKill,
    );
    const m = await metrics(ctx.project);
    expect.ok(
      sum(m, 'git_sync_repairs_total') >= 1,
      'the restarted sidecar counted its start-up repair',
      'git_sync_repairs_total >= 1',
      sum(m, 'git_sync_repairs_total'),
    );
    const trees = await docker.exec(appId, ['ls', '-a', '/srv/site/worktrees']); // the sidecar's image has no ls
    expect.ok(!trees.includes('.staging'), 'no staging tree is left', 'no *.staging in worktrees/', trees);
    const list = await docker.exec(syncId, ['git', '--git-dir', '/srv/site/.repo', 'worktree', 'list', '--porcelain']);
    expect.ok(!/prunable|\.staging/.test(list), "git's own worktree records are consistent", 'no prunable or staging worktree', list);
  },
};
