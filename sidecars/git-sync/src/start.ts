// Builds git-sync from its parameters: prepare the shared directory, repair what a killed predecessor left, then sync at once,
// every period, on each signed webhook and on SIGHUP.
import type { Server } from 'node:http';
import type { Context, Running } from '../../lib/run.js';
import { FailureBudget } from './budget.js';
import { scanProc } from './inuse.js';
import { registerMetrics } from './metrics.js';
import type { params } from './params.js';
import { repair } from './repair.js';
import { redactUrl } from './repo-url.js';
import { Store } from './store.js';
import { Syncer } from './syncer.js';
import { checkTransport } from './transport.js';
import { startWebhook } from './webhook.js';

export async function start({ params: p, log, metrics }: Context<typeof params>): Promise<Running> {
  checkTransport(p.repo);
  const m = registerMetrics(metrics);
  const store = new Store(p.root, p.link, p.syncTimeout);
  await store.init(p.repo);
  const fixed = await repair(store, log);
  m.repairs.inc({}, fixed.staging.length + fixed.tempLinks);
  const budget = new FailureBudget(p.maxFailures);
  const syncer = new Syncer({
    store,
    log,
    m,
    budget,
    ref: p.ref,
    depth: p.depth,
    checkCommand: p.checkCommand,
    checkTimeoutMs: p.syncTimeout,
    graceMs: p.gcGrace,
    adoptTimeoutMs: p.adoptTimeout,
    scan: () => scanProc(store.worktrees),
    onExhausted(error) {
      log.error('failure budget spent: exiting so the failure is seen (the published tree stays in place)', {
        maxFailures: p.maxFailures,
        error,
      });
      process.exit(1);
    },
  });
  log.info('syncing', {
    repo: redactUrl(p.repo),
    ref: p.ref,
    root: p.root,
    link: p.link,
    periodMs: p.period,
    current: fixed.current,
    webhook: Boolean(p.webhookSecret),
  });

  let webhook: Server | undefined;
  if (p.webhookSecret) {
    webhook = await startWebhook({
      port: p.webhookPort,
      address: p.webhookAddress,
      path: p.webhookPath,
      secret: p.webhookSecret,
      ref: p.ref,
      timeoutMs: p.webhookTimeout,
      log,
      requests: m.webhooks,
      onPush: () => void syncer.trigger('webhook'),
    });
  }
  void syncer.trigger('start');
  let stopped = false;
  const poll = setInterval(() => {
    if (!stopped) void syncer.trigger('poll');
  }, p.period);

  return {
    ready: () =>
      syncer.synced
        ? { ready: true }
        : {
            ready: false,
            reason: budget.consecutive
              ? `first sync failing (${budget.consecutive} failures)`
              : syncer.rejected
                ? 'no revision has passed the check yet'
                : 'first sync not done yet',
          },
    async reload() {
      await syncer.trigger('signal');
    },
    async drain() {
      stopped = true;
      clearInterval(poll);
      await new Promise<void>((r) => (webhook ? webhook.close(() => r()) : r()));
      await syncer.drain();
    },
  };
}
