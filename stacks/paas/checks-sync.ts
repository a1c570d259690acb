// Checks 1-3: pushes go live fast, a page and its pinned file always agree, a broken commit stays out.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually, expect, note, throughout, type Check } from '../../scripts/lib/check.js';
import * as docker from '../../scripts/lib/docker.js';
import type { StackContext } from '../../scripts/lib/lifecycle.js';
import { buildOf, endpoints, http, metrics, served, sum, waitServed, Work } from './support.js';

type C = Check<StackContext>;
export const PERIOD_MS = 3000; // GIT_SYNC_PERIOD in compose.yaml
/** How long a check waits for a push to be served: only a hang reaches it. How fast is bench:paas's. */
export const SERVED_BOUND_MS = 30_000;
export { note } from '../../scripts/lib/check.js';

let work: Work | undefined;
/** The scenario's working copy, cloned on first use. */
export const workOf = async (ctx: StackContext) => (work ??= await Work.clone(ctx));

export const pushServed: C = {
  name: 'each of 5 pushes is served through the webhook, and with the webhook off a poll publishes the next push with no webhook request',
  async run(ctx) {
    const w = await workOf(ctx);
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const { sha } = await w.commitBuild();
      const t0 = Date.now();
      await w.push();
      times.push(await waitServed(ctx.project, sha, t0, SERVED_BOUND_MS));
    }
    note(`webhook push to served: ${times.join(', ')} ms (the latency goal is bench:paas's)`);
    const m0 = await metrics(ctx.project);
    const { sha } = await w.commitBuild();
    const t0 = Date.now();
    await w.push({ webhook: false });
    const polled = await waitServed(ctx.project, sha, t0, SERVED_BOUND_MS);
    const m1 = await metrics(ctx.project);
    const delta = (name: string, labels: Record<string, string>) => sum(m1, name, labels) - sum(m0, name, labels);
    expect.equal(
      {
        webhooks: delta('git_sync_webhook_requests_total', {}),
        pollPublished: delta('git_sync_syncs_total', { trigger: 'poll', result: 'published' }),
      },
      { webhooks: 0, pollPublished: 1 },
      'the webhook-off push was published by a poll, with no webhook request',
    );
    note(`polling every ${PERIOD_MS / 1000} s: served after ${polled} ms`);
  },
};

interface Pair {
  revision: string;
  page: number;
  file: number;
  fileRevision: string;
  unpinned: number;
}

export const consistentPairs: C = {
  weight: 'heavy',
  name: "30 quick pushes, in 3 bursts that each go live, while a client fetches a page and the file it links (pinned to the page's revision): every pair carries one revision, and no request fails",
  async run(ctx) {
    const w = await workOf(ctx);
    const { app } = await endpoints(ctx.project);
    const pairs: Pair[] = [];
    const errors: string[] = [];
    let stop = false,
      slowest = 0;
    // A request may wait in the listening socket's backlog while a server restarts (seconds, on a
    // loaded machine): the clients wait up to 30 s, as a browser would. Waiting is not failing.
    const get = async (path: string) => {
      const r = await http(app, path, { timeoutMs: 30_000 });
      slowest = Math.max(slowest, r.ms);
      return r;
    };
    const client = async () => {
      while (!stop) {
        try {
          const page = await get('/');
          const link = /href="(\/r\/[0-9a-f]{40}\/version\.txt)"/.exec(page.body)?.[1];
          if (page.status !== 200 || !link) {
            errors.push(`GET / -> ${page.status}`);
            continue;
          }
          const file = await get(link);
          if (file.status !== 200) {
            errors.push(`GET ${link} -> ${file.status}`);
            continue;
          }
          const unpinned = await get('/version.txt');
          pairs.push({
            revision: String(page.headers['x-revision']),
            page: buildOf(page.body),
            file: buildOf(file.body),
            fileRevision: String(file.headers['x-revision']),
            unpinned: buildOf(unpinned.body),
          });
        } catch (e) {
          errors.push((e as Error).message);
        }
      }
    };
    const m0 = await metrics(ctx.project);
    const clients = [client(), client()];
    // The positive control waits for its events, bounded only against a hang: each burst's last push goes live,
    // and a client's pair carries it, before the next burst; then at least 30 pairs. How fast the machine is
    // changes how many pushes one sync coalesces, never whether the control is met.
    const heads: string[] = [];
    const seen = (sha: string) => async () =>
      expect.ok(
        pairs.some((p) => p.revision === sha),
        'a client pair carries the burst’s revision',
        sha,
        'not yet',
      );
    try {
      for (let burst = 0; burst < 3; burst++) {
        let head = '';
        for (let i = 0; i < 10; i++) {
          head = (await w.commitBuild()).sha;
          await w.push();
        }
        heads.push(head);
        await waitServed(ctx.project, head, Date.now(), SERVED_BOUND_MS);
        await eventually(seen(head), { within: SERVED_BOUND_MS, every: 50 });
      }
      await eventually(async () => expect.ok(pairs.length >= 30, 'pairs fetched', '>= 30', pairs.length), {
        within: SERVED_BOUND_MS,
        every: 50,
      });
    } finally {
      stop = true;
      await Promise.all(clients);
    }
    const torn = pairs.filter((p) => p.page !== p.file || p.revision !== p.fileRevision);
    const revisions = new Set(pairs.map((p) => p.revision));
    expect.equal(errors.slice(0, 5), [], `failed requests (${errors.length} of ${pairs.length * 3 + errors.length})`);
    expect.equal(torn.slice(0, 5), [], `pairs whose page and pinned file disagree (of ${pairs.length})`);
    expect.ok(
      heads.every((h) => revisions.has(h)) && pairs.length >= 30,
      'the client saw each burst go live while it fetched (positive control)',
      `the 3 bursts' revisions in >= 30 pairs`,
      `${heads.filter((h) => revisions.has(h)).length} of them in ${pairs.length} pairs`,
    );
    // git-sync held each flip until the server restarted by the one before worked in its tree.
    const m1 = await metrics(ctx.project);
    const held = (result: string) => sum(m1, 'git_sync_flip_holds_total', { result }) - sum(m0, 'git_sync_flip_holds_total', { result });
    expect.ok(held('adopted') > 0, 'flips held until the app took up the revision before', '> 0', held('adopted'));
    note(
      `${held('adopted')} flips held until the app took the last one up (${held('timeout')} held until the timeout); ${pairs.length} pairs over ${revisions.size} revisions, none torn, slowest request ${slowest} ms; the unpinned /version.txt disagreed with the page before it ${pairs.filter((p) => p.unpinned !== p.page).length} times`,
    );
  },
};

export const BROKEN_APP = `module.exports = {\n  '/api/info': (req, res) => {\n    res.end('oops'\n  },\n};\n`;

export const brokenCommit: C = {
  name: 'a commit that fails the pre-publish check (bun build --no-bundle app.js) is not published, and the last good revision keeps being served',
  async run(ctx) {
    const w = await workOf(ctx);
    const good = await served(ctx.project);
    const m0 = await metrics(ctx.project);
    const bad = await w.commitBuild({ 'app.js': BROKEN_APP });
    // The commit really is broken (positive control): node --check fails on it on the host too.
    writeFileSync(join(ctx.state, 'broken-app.js'), BROKEN_APP);
    const host = (() => {
      try {
        execFileSync(process.execPath, ['--check', join(ctx.state, 'broken-app.js')], { stdio: 'pipe' });
        return 0;
      } catch {
        return 1;
      }
    })();
    expect.equal(host, 1, 'node --check of the broken app.js on the host (exit status)');
    await w.push();
    await eventually(
      async () => {
        const m = await metrics(ctx.project);
        expect.equal(
          sum(m, 'git_sync_syncs_total', { result: 'rejected' }) - sum(m0, 'git_sync_syncs_total', { result: 'rejected' }),
          1,
          'syncs rejected by the check',
        );
      },
      { within: 5000 },
    );
    const shown = (v: { revision: string; build: unknown }) => `${v.revision.slice(0, 12)} build ${v.build}`;
    await throughout(
      async () => expect.equal(shown(await served(ctx.project)), shown(good), 'revision served for a poll period after the broken push'),
      {
        window: PERIOD_MS + 500,
      },
    );
    // Listed from the app's container, which mounts the same volume: the sidecar's image has no ls.
    const trees = await docker.exec(await ctx.project.id('app'), ['ls', '/srv/site/worktrees']);
    expect.ok(!trees.includes(bad.sha), 'the rejected revision left no tree behind', `no ${bad.sha.slice(0, 12)}* in worktrees/`, trees);
    // Fixing it goes live again (positive control).
    const fixed = await w.commitBuild({
      'app.js': `module.exports = require('./routes.js');\n`,
      'routes.js': `module.exports = { '/api/info': (req, res, site) => res.end(site.revision) };\n`,
    });
    const t0 = Date.now();
    await w.push();
    await waitServed(ctx.project, fixed.sha, t0, 15000);
    const { app } = await endpoints(ctx.project);
    expect.equal((await http(app, '/api/info')).body, fixed.sha, "the fixed revision's own route answers");
  },
};
