// The checks of the config lesson's exercises (exercises.ts), one function each, run against the learner's run,
// and the reset of exercise 1: each first asks whether the learner's step is in the run (an edit applied, a value
// put), then reads what the run did with it (the helpers of exercise-support.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { $ } from 'zx';
import { ROOT } from '../../scripts/lib/config.js';
import { fail, pass, type Verdict } from '../../scripts/lib/exercise/types.js';
import type { StackContext } from '../../scripts/lib/stack-types.js';
import { APPLY, counted, current, edited, envOf, logsOf, SEED, serves, sidecarMetrics } from './exercise-support.js';
import { appView, endpoints, etcdOf, KEY } from './support.js';

/** Exercise 1's reset: the seed's value back in etcd, so that ex1 is a change again, and both apps serving it. */
export async function restoreSeed(ctx: StackContext): Promise<void> {
  await (await etcdOf(ctx.project)).put(KEY, readFileSync(join(ROOT, SEED)));
  await Promise.all([serves(ctx, 'hup', 'seed'), serves(ctx, 'once', 'seed')]);
}

/** Exercise 1: etcd holds version ex1, and both apps serve it. */
export async function checkChangeTravelled(ctx: StackContext): Promise<Verdict> {
  const now = (await current(ctx)).version;
  if (now !== 'ex1') return fail(`etcd holds version ${now}: put version ex1 with npm run config -- set`);
  const [hup, once] = [await serves(ctx, 'hup', 'ex1'), await serves(ctx, 'once', 'ex1')];
  if (hup !== 'ex1' || once !== 'ex1') return fail(`etcd holds ex1, but app-hup serves ${hup} and app-once ${once}`);
  const e = await endpoints(ctx.project);
  const [h, o, m] = [await appView(e.app.hup), await appView(e.app.once), await sidecarMetrics(ctx, 'hup')];
  const mean = (m.get('config_sync_apply_duration_seconds_sum') / m.get('config_sync_apply_duration_seconds_count')) * 1000;
  return pass(
    `both apps serve ex1: app-hup as pid ${h.pid} after ${h.reloads} SIGHUP reloads, app-once as pid ${o.pid} (start ${o.starts}); sync-hup's applies took ${Math.round(mean)} ms on average`,
  );
}

/** Exercise 2: sync-hup runs without validation, a bad value killed app-hup, and after a rollback it serves again. */
export async function checkNoValidation(ctx: StackContext): Promise<Verdict> {
  const env = await envOf(ctx, 'sync-hup');
  if (env.get('CONFIG_SYNC_FORMAT') !== 'text' || env.has('CONFIG_SYNC_SCHEMA'))
    return fail(
      `sync-hup still validates (format ${env.get('CONFIG_SYNC_FORMAT')}, schema ${env.get('CONFIG_SYNC_SCHEMA') ?? 'none'}): set CONFIG_SYNC_FORMAT: text and remove CONFIG_SYNC_SCHEMA in compose.yaml, then ${APPLY}`,
    );
  if (!(await logsOf(ctx, 'app-hup')).includes('cannot load config on SIGHUP'))
    return fail(
      `app-hup has not died on a bad value yet: put half-written JSON with npm run config -- set '{"version": "broken", "greeting": '`,
    );
  const now = await current(ctx);
  if (!now.version) return fail('etcd still holds the half-written value, so app-hup dies at every start: npm run config -- rollback');
  const served = await serves(ctx, 'hup', now.version, 60_000);
  if (served !== now.version) return fail(`etcd holds version ${now.version} again, but app-hup serves ${served}`);
  const restarts = (await $`docker inspect --format {{.RestartCount}} ${await ctx.project.id('app-hup')}`.quiet()).stdout.trim();
  return pass(
    `without validation one bad write killed app-hup (restarted ${restarts} times by its policy); after the rollback it serves ${served}`,
  );
}

/** Exercise 3: sync-once runs with a 5 s interval, saw 10 values or more, and restarted app-once fewer times than that. */
export async function checkInterval(ctx: StackContext): Promise<Verdict> {
  const edit = await edited(ctx, 'sync-once', 'CONFIG_SYNC_MIN_APPLY_INTERVAL', '5s');
  if (edit) return edit;
  // Its first read of the key counts too.
  const seen = (await sidecarMetrics(ctx, 'once')).get('config_sync_updates_received_total') - 1;
  if (seen < 10) return fail(`sync-once has seen ${seen} new values since it started with 5s: put 10 in a row`);
  const now = await current(ctx);
  const served = await serves(ctx, 'once', now.version);
  if (served !== now.version) return fail(`app-once serves ${served}, not ${now.version}, the newest value`);
  const restarts = (await sidecarMetrics(ctx, 'once')).sum('config_sync_reloads_total', 'result="ok"');
  if (restarts >= seen) return fail(`sync-once restarted app-once ${restarts} times for ${seen} values: put them less than 5 s apart`);
  const { starts } = await appView((await endpoints(ctx.project)).app.once);
  return pass(`sync-once saw ${seen} values and restarted app-once ${restarts} times (now at start ${starts}), ending at ${served}`);
}

/** Exercise 4: sync-hup reloads app-hup by POST /-/reload, and app-hup serves the newest value. */
export async function checkHttpReload(ctx: StackContext): Promise<Verdict> {
  const edit = await edited(ctx, 'sync-hup', 'CONFIG_SYNC_RELOAD', 'http');
  if (edit) return edit;
  const posted = await counted(ctx, 'hup', 'config_sync_reloads_total', 'method="http"', 'result="ok"');
  if (!posted) {
    const failed = (await sidecarMetrics(ctx, 'hup')).sum('config_sync_reloads_total', 'result="error"');
    return fail(
      failed
        ? `sync-hup's ${failed} reload calls failed: is CONFIG_SYNC_RELOAD_URL http://127.0.0.1:8080/-/reload?`
        : 'sync-hup has told app-hup of no new value by HTTP yet: put one with npm run config -- set',
    );
  }
  const now = await current(ctx);
  const served = await serves(ctx, 'hup', now.version);
  if (served !== now.version) return fail(`sync-hup POSTed ${posted} reloads, but app-hup serves ${served}, not ${now.version}`);
  if (!(await logsOf(ctx, 'app-hup')).includes('config reloaded on POST /-/reload'))
    return fail('app-hup logged no reload on POST /-/reload: where does CONFIG_SYNC_RELOAD_URL point?');
  return pass(
    `sync-hup POSTed ${posted} reloads and app-hup, reloaded on POST /-/reload, serves ${served}: no process found, no signal sent`,
  );
}

/** Exercise 5: sync-hup writes in symlink mode, and app-hup reads config.json through ..data. */
export async function checkSymlinkLayout(ctx: StackContext): Promise<Verdict> {
  const edit = await edited(ctx, 'sync-hup', 'CONFIG_SYNC_WRITE_MODE', 'symlink');
  if (edit) return edit;
  const writes = await counted(ctx, 'hup', 'config_sync_writes_total');
  if (!writes) return fail('sync-hup has written nothing since it switched to symlink: put a new value with npm run config -- set');
  const id = await ctx.project.id('app-hup');
  const link = async (path: string) => (await $`docker exec ${id} readlink ${path}`.quiet().nothrow()).stdout.trim();
  const [data, file] = [await link('/config/..data'), await link('/config/config.json')];
  if (!data.startsWith('..') || file !== '..data/config.json')
    return fail(
      `in app-hup, ..data links to ${data || 'nothing'} and config.json to ${file || 'nothing'}: is sync-hup writing in symlink mode?`,
    );
  const now = await current(ctx);
  const served = await serves(ctx, 'hup', now.version);
  if (served !== now.version) return fail(`app-hup serves ${served}, not ${now.version}, through ..data`);
  return pass(
    `app-hup reads config.json → ..data/config.json → ${data}/config.json and serves ${served}; sync-hup swapped ..data ${writes} times`,
  );
}

/** Exercise 6: sync-hup's validate command rejected a value that says forbidden, and app-hup's file is without it. */
export async function checkValidateCommand(ctx: StackContext): Promise<Verdict> {
  const edit = await edited(ctx, 'sync-hup', 'CONFIG_SYNC_VALIDATE_COMMAND');
  if (edit) return edit;
  const rejected = await counted(ctx, 'hup', 'config_sync_updates_rejected_total', 'reason="command"');
  if (!rejected) return fail('sync-hup’s command has rejected no value yet: put one that contains forbidden');
  const line = (await logsOf(ctx, 'sync-hup'))
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { msg?: string; reason?: string; revision?: number; error?: string })
    .filter((l) => l.msg?.startsWith('update rejected') && l.reason === 'command')
    .at(-1);
  const value = line?.revision ? (await (await etcdOf(ctx.project)).range(KEY, line.revision)).kv?.value.toString('utf8') : undefined;
  if (!value?.includes('forbidden'))
    return fail(
      `sync-hup’s command rejected revision ${line?.revision}, which does not say forbidden (“${line?.error}”): does it refuse every value?`,
    );
  const file = (await $`docker exec ${await ctx.project.id('app-hup')} cat /config/config.json`.quiet()).stdout;
  if (file.includes('forbidden')) return fail('app-hup’s config file says forbidden: was it written before the command was there?');
  return pass(
    `sync-hup’s command rejected revision ${line!.revision} (reason="command", ${rejected} in all) saying “${line!.error}”, and app-hup’s file stays without it`,
  );
}
