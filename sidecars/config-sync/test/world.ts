// A ConfigSync on a temp dir, as the sync tests use it: a real validator and writer, a reloader
// that counts, and the metrics and log lines to look at.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import { createLogger } from '../../lib/log.js';
import { parseMetrics, Registry } from '../../lib/metrics.js';
import { Reloadable } from '../../lib/reloadable.js';
import type { Reloader } from '../src/reload.js';
import { ConfigSync } from '../src/sync.js';
import { registerMetrics } from '../src/metrics.js';
import { makeValidator, type Validator } from '../src/validate.js';
import { renameWriter } from '../src/write.js';

export interface World {
  dir: string;
  schema: string;
  sync: ConfigSync;
  registry: Registry;
  logs: Record<string, unknown>[];
  reloads: number;
  failReload: boolean;
  rules: Reloadable<Validator>;
}

export const VERSION_SCHEMA = { type: 'object', required: ['version'], properties: { version: { type: 'string' } } };

/** A ConfigSync on a temp dir, with a schema (by default one that needs a string "version"), and a reloader that counts. */
export async function world(
  dir = mkdtempSync(join(tmpdir(), 'config-sync-sync-')),
  intervalMs = 0,
  schemaDoc: unknown = VERSION_SCHEMA,
  validator?: Validator,
): Promise<World> {
  const schema = join(dir, '..', `${dir.split('/').pop()}.schema.json`);
  writeFileSync(schema, JSON.stringify(schemaDoc));
  const registry = new Registry('config_sync');
  const logs: Record<string, unknown>[] = [];
  const log = createLogger('config-sync', 'debug', (l) => logs.push(JSON.parse(l)));
  const m = registerMetrics(registry);
  const w = { dir, schema, registry, logs, reloads: 0, failReload: false } as World;
  const reloader: Reloader = {
    method: 'signal',
    async reload() {
      if (w.failReload) throw new Error('no handler');
      w.reloads++;
      return { result: 'ok', detail: 'counted' };
    },
  };
  w.rules = new Reloadable<Validator>(
    'validation rules',
    () => validator ?? makeValidator({ format: 'json', schemaFile: schema, timeoutMs: 1000 }),
    log,
    m.validatorReloads,
  );
  await w.rules.reload('start');
  w.sync = new ConfigSync({
    key: '/cfg',
    writer: renameWriter(dir, 'config.json'),
    reloader,
    rules: w.rules,
    minApplyIntervalMs: intervalMs,
    log,
    metrics: m,
  });
  await w.sync.init();
  return w;
}

export const file = (w: World) => {
  try {
    return readFileSync(join(w.dir, 'config.json'), 'utf8');
  } catch {
    return undefined;
  }
};
export const metric = (w: World, name: string) => parseMetrics(w.registry.render()).get(name);
export const put = async (w: World, revision: number, value: string | null, read = false) => {
  w.sync.hooks.update({ revision, version: revision - 1, value: value === null ? null : Buffer.from(value), read });
  await w.sync.gate.settled();
};

/** A suite whose worlds (see track) are stopped and removed after each test. */
export function worldSuite(name: string) {
  const test = suite<{ worlds: World[] }>(name, { worlds: [] });
  test.after.each(async (ctx) => {
    for (const w of ctx.worlds) {
      await w.sync.stop();
      rmSync(w.dir, { recursive: true, force: true });
      rmSync(w.schema, { force: true });
    }
    ctx.worlds = [];
  });
  return test;
}
export const track = async (ctx: { worlds: World[] }, w: Promise<World>) => {
  const x = await w;
  ctx.worlds.push(x);
  return x;
};
