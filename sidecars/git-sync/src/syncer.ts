// One sync: ask the remote for the ref's head; when it is new, fetch it, check it out into a
// staging tree, run the pre-publish check, rename the tree to its final name and flip the link.
// Syncs never overlap: a trigger that arrives during one runs one more sync right after it.
import type { Logger } from '../../lib/log.js';
import type { FailureBudget } from './budget.js';
import { runCheck } from './check.js';
import { untilAdopted } from './adopt.js';
import { Collector } from './gc.js';
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
  /** How long a flip may wait for the app to take up the revision before it (0: not at all). */
  adoptTimeoutMs?: number;
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
  private readonly collector: Collector;
  private readonly clock: () => number;
  /** When this process last flipped the link: the start of the app's time to take it up. */
  private flippedAt: number | undefined;
  private readonly draining = new AbortController();

  constructor(private readonly o: SyncerOptions) {
    this.clock = o.clock ?? Date.now;
    this.collector = new Collector({
      graceMs: o.graceMs,
      scan: o.scan,
      clock: this.clock,
      remove: (sha) => o.store.removeTree(o.store.path(sha)),
    });
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

  /** For the sidecar's drain: resolves when no sync is running; one holding its flip for the app
   * (--adopt-timeout) flips at once. */
  drain(): Promise<void> {
    this.draining.abort();
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
        await this.flip(head);
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
    await this.flip(sha);
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

  private async flip(sha: string): Promise<void> {
    await this.hold();
    flipLink(this.o.store.root, this.o.store.link, `worktrees/${sha}`);
    this.current = sha;
    this.rejected = undefined;
    this.flippedAt = this.clock();
    this.o.m.published.set(this.flippedAt / 1000);
    this.showRevision();
  }

  /** With an adopt timeout: waits until a process uses the tree this process last flipped to. */
  private async hold(): Promise<void> {
    const { adoptTimeoutMs = 0, m, log } = this.o;
    const [sha, since] = [this.current, this.flippedAt];
    if (!adoptTimeoutMs || !sha || since === undefined) return;
    const held = await this.timed('hold', () =>
      untilAdopted({ sha, since, timeoutMs: adoptTimeoutMs, scan: this.o.scan, clock: this.clock, signal: this.draining.signal }),
    );
    m.holds.inc({ result: held });
    if (held === 'timeout')
      log.warn('no process took up the last revision in time; publishing the next', { previous: sha, adoptTimeoutMs });
  }

  private showRevision(): void {
    this.o.m.revision.reset();
    if (this.current) this.o.m.revision.set(1, { sha: this.current });
  }

  /** Removes retired trees that no process uses and that none has used for the grace period. */
  async collect(): Promise<string[]> {
    const { store, log, m } = this.o;
    const trees = store.complete();
    const removed = await this.collector.collect(trees, this.current);
    m.uninspectable.set(this.collector.uninspectable);
    m.removed.inc({}, removed.length);
    for (const sha of removed) log.info('removed a retired tree', { revision: sha });
    m.trees.set(trees.length - removed.length);
    return removed;
  }
}
