// One sync: ask the remote for the ref's head; when it is new, fetch it, check it out into a
// staging tree, run the pre-publish check, rename the tree to its final name and flip the link.
// Syncs never overlap: a trigger that arrives during one runs one more sync right after it.
import type { Logger } from '../../lib/log.js';
import type { FailureBudget } from './budget.js';
import { runCheck } from './check.js';
import { planGc, Retirements } from './gc.js';
import type { Usage } from './inuse.js';
import { flipLink } from './link.js';
import type { Metrics } from './metrics.js';
import type { Store } from './store.js';

export type Trigger = 'start' | 'poll' | 'webhook' | 'signal';
export type Result = 'published' | 'unchanged' | 'rejected' | 'error';

export interface SyncerOptions {
  store: Store;
  log: Logger;
  m: Metrics;
  budget: FailureBudget;
  ref: string;
  depth: number;
  checkCommand: string;
  checkTimeoutMs: number;
  graceMs: number;
  scan(): Usage;
  /** The failure budget is spent. */
  onExhausted(error: string): void;
  clock?: () => number;
}

export class Syncer {
  current: string | undefined;
  /** The last revision the check refused: not re-checked until the ref moves on. */
  rejected: string | undefined;
  /** True once a sync of this process has succeeded and a tree is published (what /readyz reports):
   * a first revision that fails its check leaves nothing to serve. */
  synced = false;
  private running: Promise<void> | undefined;
  private pending: Trigger | undefined;
  /** Milliseconds per step of the current sync, logged with its result. */
  private steps: Record<string, number> = {};
  private readonly retired: Retirements;
  private readonly clock: () => number;

  constructor(private readonly o: SyncerOptions) {
    this.clock = o.clock ?? Date.now;
    this.retired = new Retirements(this.clock);
    this.current = o.store.current();
    this.showRevision();
  }

  /** Asks for a sync; coalesces with one already running. Resolves when the asked-for sync is done. */
  trigger(why: Trigger): Promise<void> {
    if (this.running) {
      this.pending ??= why;
      return this.running;
    }
    this.running = (async () => {
      let next: Trigger | undefined = why;
      while (next) {
        this.pending = undefined;
        await this.sync(next);
        next = this.pending;
      }
      this.running = undefined;
    })();
    return this.running;
  }

  /** Resolves when no sync is running. */
  idle(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  async sync(trigger: Trigger): Promise<Result> {
    const { log, m } = this.o;
    const t0 = this.clock();
    this.steps = {};
    let result: Result;
    try {
      result = await this.attempt(trigger);
      this.o.budget.success();
      this.synced = this.current !== undefined;
    } catch (e) {
      result = 'error';
      m.failures.inc();
      const outcome = this.o.budget.failure();
      const error = (e as Error).message;
      log.error('sync failed; the last good tree stays published', {
        trigger,
        error,
        consecutive: this.o.budget.consecutive,
        budgetLeft: this.o.budget.remaining,
        current: this.current,
      });
      if (outcome === 'exhausted') this.o.onExhausted(error);
    }
    m.consecutive.set(this.o.budget.consecutive);
    const ms = this.clock() - t0;
    m.duration.observe(ms / 1000);
    m.syncs.inc({ trigger, result });
    if (result !== 'unchanged') log.info('sync', { trigger, result, ms, steps: this.steps, revision: this.current });
    else log.debug('sync', { trigger, result, ms });
    try {
      await this.collect();
      if (result === 'published') await this.o.store.git.housekeep();
    } catch (e) {
      log.warn('housekeeping failed', { error: (e as Error).message });
    }
    return result;
  }

  /** A poll first asks the remote (one round trip, nothing written when nothing changed); a webhook
   * says something changed, so it fetches at once. */
  private async attempt(trigger: Trigger): Promise<Result> {
    const { store } = this.o;
    if (trigger !== 'webhook') {
      const head = await store.git.remoteHead(this.o.ref);
      if (head === this.current || head === this.rejected) return 'unchanged';
      if (store.isComplete(head)) {
        this.flip(head);
        return 'published';
      }
    }
    const fetched = await this.timed('fetch', () => store.git.fetch(this.o.ref, this.o.depth));
    if (fetched === this.current || fetched === this.rejected) return 'unchanged';
    return this.publishNew(fetched);
  }

  private async publishNew(sha: string): Promise<Result> {
    const { store, log, m } = this.o;
    if (!store.isComplete(sha)) {
      const staging = await this.timed('checkout', () => store.stage(sha));
      const check = await this.timed('check', () => runCheck(this.o.checkCommand, staging, this.o.checkTimeoutMs));
      if (this.o.checkCommand) m.checks.inc({ result: check.ok ? 'pass' : 'fail' });
      if (!check.ok) {
        await store.removeTree(staging);
        this.rejected = sha;
        log.error('pre-publish check failed; revision not published', {
          revision: sha,
          command: this.o.checkCommand,
          output: check.output,
          keeping: this.current,
        });
        return 'rejected';
      }
      await this.timed('rename', () => store.finalize(sha));
    }
    this.flip(sha);
    return 'published';
  }

  private async timed<T>(step: string, fn: () => Promise<T>): Promise<T> {
    const t0 = this.clock();
    try {
      return await fn();
    } finally {
      this.steps[step] = this.clock() - t0;
    }
  }

  private flip(sha: string): void {
    flipLink(this.o.store.root, this.o.store.link, `worktrees/${sha}`);
    this.current = sha;
    this.rejected = undefined;
    this.o.m.published.set(this.clock() / 1000);
    this.showRevision();
  }

  private showRevision(): void {
    this.o.m.revision.reset();
    if (this.current) this.o.m.revision.set(1, { sha: this.current });
  }

  /** Removes trees whose grace period is over and that no process is using. */
  async collect(): Promise<string[]> {
    const { store, log, m } = this.o;
    const trees = store.complete();
    const retiredAt = this.retired.update(trees, this.current);
    let usage: Usage = { inUse: new Set(), uninspectable: 0 };
    const due = trees.some((sha) => sha !== this.current && this.clock() - (retiredAt.get(sha) ?? 0) >= this.o.graceMs);
    if (due) usage = this.o.scan();
    const plan = planGc(trees, { current: this.current, retiredAt, now: this.clock(), graceMs: this.o.graceMs, inUse: usage.inUse });
    m.uninspectable.set(usage.uninspectable);
    for (const sha of plan.remove) {
      await store.removeTree(store.path(sha));
      m.removed.inc();
      log.info('removed a retired tree', { revision: sha });
    }
    m.trees.set(trees.length - plan.remove.length);
    return plan.remove;
  }
}
