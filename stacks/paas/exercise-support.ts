// What the paas lesson's exercises (exercises.ts) and their checks (exercise-checks.ts) share: the commands their
// texts and solutions give, and what the checks read of the learner's run and do to it: main's head on the git
// server, the revision git-sync publishes and those it refused, and a throwaway clone that pushes.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { $ } from 'zx';
import { eventually, expect } from '../../scripts/lib/check.js';
import { ROOT } from '../../scripts/lib/config.js';
import type { StackContext } from '../../scripts/lib/stack-types.js';
import { SERVED_BOUND_MS } from './checks-sync.js';
import { gitUrl, metrics, waitServed, Work } from './support.js';

export const APPLY = 'npm run stack:paas -- apply';
export const NODEMON = 'legacy-apps/site-node/nodemon.json';
/** The site's own app.js, as the git server's first commit has it: what a fix puts back. */
const SEED_APP = readFileSync(join(ROOT, 'stacks', 'paas', 'site', 'app.js'), 'utf8');
/** A solution's clone of the site, in a directory of its own (the learner's is exercise 1's $site). */
export const CLONE = 'site="$(mktemp -d)/site" && git clone -q "$GIT" "$site"';
export const COMMIT = 'git -C "$site" -c user.name=learner -c user.email=learner@localhost commit -q';

export const short = (sha: string) => sha.slice(0, 12);

/** The head of main on the git server, asked with the host's git. */
export async function mainHead(ctx: StackContext): Promise<string> {
  const out = await $({
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0' },
  })`git ls-remote ${await gitUrl(ctx.project)} refs/heads/main`.quiet();
  return out.stdout.split('\t')[0]!.trim();
}

/** The revision git-sync's link points at (its git_sync_revision metric). */
export async function linked(ctx: StackContext): Promise<string> {
  const key = [...(await metrics(ctx.project)).keys()].find((k) => k.startsWith('git_sync_revision{')) ?? '';
  return /sha="([0-9a-f]{40})"/.exec(key)?.[1] ?? 'none';
}

interface Rejection {
  revision: string;
  output: string;
}

/** The revisions git-sync's current container refused to publish, from its JSON log lines. */
export async function rejections(ctx: StackContext): Promise<Rejection[]> {
  const out = await $`docker logs ${await ctx.project.id('git-sync')}`.quiet();
  return `${out.stdout}\n${out.stderr}`
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => l.msg === 'pre-publish check failed; revision not published')
    .map((l) => ({ revision: String(l.revision), output: String(l.output ?? '') }));
}

/** A throwaway clone in the run's own directory, for a check or a reset that pushes; removed after `fn`. */
export async function withClone<T>(ctx: StackContext, fn: (w: Work) => Promise<T>): Promise<T> {
  const w = await Work.clone(ctx, `exercise-clone-${Date.now()}`);
  try {
    return await fn(w);
  } finally {
    rmSync(w.dir, { recursive: true, force: true });
  }
}

/** Commits and pushes the seed's app.js when main's differs, and waits until the site serves it. */
export async function pushFix(ctx: StackContext, w: Work): Promise<void> {
  if (readFileSync(join(w.dir, 'app.js'), 'utf8') === SEED_APP) return;
  const fixed = await w.commitBuild({ 'app.js': SEED_APP });
  const t0 = Date.now();
  await w.push();
  await waitServed(ctx.project, fixed.sha, t0, SERVED_BOUND_MS, 250);
}

/** Waits until git-sync's link names `sha`; false when it does not within the bound. */
export const publishes = (ctx: StackContext, sha: string) =>
  eventually(async () => expect.equal(await linked(ctx), sha, 'revision git-sync publishes'), { within: SERVED_BOUND_MS, every: 250 }).then(
    () => true,
    () => false,
  );
