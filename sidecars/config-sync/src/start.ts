// Builds config-sync from its parameters: checks the combinations a single parameter cannot,
// then wires the watcher, the validator, the writer and the reloader to the sync core.
import { Reloadable } from '../../lib/reloadable.js';
import { ConfigError } from '../../lib/parse.js';
import type { Context, Running } from '../../lib/run.js';
import { EtcdClient } from './etcd.js';
import type { params } from './params.js';
import { httpReloader, noReloader, restartReloader, signalReloader, type Reloader } from './reload.js';
import { SchemaError } from './schema.js';
import { ConfigSync } from './sync.js';
import { registerMetrics } from './metrics.js';
import { makeValidator, type Validator } from './validate.js';
import { KeyWatcher } from './watcher.js';
import { makeWriter } from './write.js';

type P = Context<typeof params>['params'];

/** Combinations that no single parameter's rule can catch; each error names the parameters. */
export function reloaderFor(p: P): Reloader {
  const needsProcess = (what: string) => {
    if (!p.process) throw new ConfigError(`missing --process (CONFIG_SYNC_PROCESS): --reload ${what} needs the name of the app process`);
    return p.process;
  };
  switch (p.reload) {
    case 'signal':
      return signalReloader({ name: needsProcess('signal'), signal: p.reloadSignal });
    case 'restart':
      return restartReloader({ name: needsProcess('restart'), graceMs: p.restartGrace });
    case 'http':
      if (!p.reloadUrl) throw new ConfigError('missing --reload-url (CONFIG_SYNC_RELOAD_URL): --reload http needs the URL to POST to');
      return httpReloader({ url: p.reloadUrl, timeoutMs: p.requestTimeout });
    case 'none':
      return noReloader;
  }
}

export function validatorFor(p: P): () => Validator {
  const load = () => makeValidator({ format: p.format, schemaFile: p.schema, command: p.validateCommand, timeoutMs: p.validateTimeout });
  try {
    load();
  } catch (e) {
    if (e instanceof SchemaError) throw new ConfigError(`invalid --schema (CONFIG_SYNC_SCHEMA): ${e.message}`);
    throw e;
  }
  return load;
}

export async function start({ params: p, log, metrics }: Context<typeof params>): Promise<Running> {
  const reloader = reloaderFor(p);
  const m = registerMetrics(metrics);
  const rules = new Reloadable<Validator>('validation rules', validatorFor(p), log, m.validatorReloads);
  await rules.reload('start');
  const sync = new ConfigSync({
    key: p.key,
    writer: makeWriter(p.writeMode, p.dir, p.file),
    reloader,
    rules,
    minApplyIntervalMs: p.minApplyInterval,
    log,
    metrics: m,
  });
  await sync.init();
  const watcher = new KeyWatcher(
    new EtcdClient(p.etcdUrl, p.requestTimeout),
    p.key,
    { retryMaxMs: p.watchRetryMax, idleMs: p.watchIdleTimeout },
    sync.hooks,
  );
  watcher.start();
  return {
    ready: () => sync.readiness(),
    async reload(reason) {
      const r = await rules.reload(reason);
      if (r.ok) sync.revalidate();
      return r;
    },
    async drain() {
      await watcher.stop();
      await sync.stop();
    },
  };
}
