// The config lesson's exercises: text, check, hints, solution and reset of each (scripts/lib/exercise/types.ts).
// `npm run gen` writes the README's Exercises section from this list; scripts/lib/test/exercises.docker.test.ts
// proves each one: its check fails on the untouched stack, passes once the solution is applied, and fails again
// after --reset, which leaves git status clean.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { $ } from 'zx';
import { eventually } from '../../scripts/lib/check.js';
import { ROOT } from '../../scripts/lib/config.js';
import * as docker from '../../scripts/lib/docker.js';
import { type Exercise, fail, fileEdit, pass } from '../../scripts/lib/exercise/types.js';
import type { StackContext } from '../../scripts/lib/stack-types.js';
import { appView, endpoints, etcdOf, KEY, metricsOf, type PodName } from './support.js';

const APPLY = 'npm run stack:config -- apply';
const COMPOSE = 'stacks/config/compose.yaml';
const SEED = 'stacks/config/seed/app.json';
/** The lesson's command that puts a new value. */
const put = (version: string, greeting: string) => `npm run config -- set '{"version": "${version}", "greeting": "${greeting}"}'`;
/** Ten puts in a row from etcd's own container: a burst no host round trip slows down. */
const BURST = `npm run stack:config -- exec etcd sh -c 'for i in 1 2 3 4 5 6 7 8 9 10; do etcdctl put ${KEY} "{\\"version\\": \\"b$i\\", \\"greeting\\": \\"burst\\"}"; done'`;
/** A validate command with nothing but the shell's own words: the sidecar's image has sh, and no grep. */
const VALIDATE = `CONFIG_SYNC_VALIDATE_COMMAND: 'read -r v; case "$$v" in *forbidden*) echo "the value says forbidden" >&2; exit 1;; esac'`;

/** The environment a sidecar's container was started with (its image's defaults included). */
const envOf = async (ctx: StackContext, service: string) => new Map(Object.entries(await docker.env(await ctx.project.id(service))));

/** The value in etcd now: its text, and its version when it is a JSON object that has one. */
async function current(ctx: StackContext): Promise<{ text: string; version?: string }> {
  const text = (await (await etcdOf(ctx.project)).range(KEY)).kv?.value.toString('utf8') ?? '';
  try {
    return { text, version: String((JSON.parse(text) as { version?: unknown }).version) };
  } catch {
    return { text };
  }
}

/** A sidecar's metrics: one series, and a metric summed over the series whose labels include all of `has`. */
async function sidecarMetrics(ctx: StackContext, pod: PodName) {
  const m = await metricsOf((await endpoints(ctx.project)).admin[pod]);
  const sum = (name: string, ...has: string[]) =>
    [...m].filter(([k]) => (k === name || k.startsWith(`${name}{`)) && has.every((h) => k.includes(h))).reduce((a, [, v]) => a + v, 0);
  return { get: (name: string) => m.get(name) ?? 0, sum };
}

/** A metric of a sidecar once it is above 0, or 0 when `withinMs` is over: what a step the learner just took moves. */
const counted = (ctx: StackContext, pod: PodName, name: string, ...has: string[]) =>
  eventually(
    async () => {
      const n = (await sidecarMetrics(ctx, pod)).sum(name, ...has);
      if (!(n > 0)) throw new Error(`${name} is 0`);
      return n;
    },
    { within: 10_000, every: 250 },
  ).catch(() => 0);

/** The version an app serves, once it is `version` (or what it serves when `withinMs` is over). */
async function serves(ctx: StackContext, pod: PodName, version: string | undefined, withinMs = 20_000): Promise<string | null> {
  const url = (await endpoints(ctx.project)).app[pod];
  const seen = async () => (await appView(url).catch(() => ({ version: null }))).version;
  return eventually(
    async () => {
      const v = await seen();
      if (v !== version) throw new Error(`serves ${v}`);
      return v;
    },
    { within: withinMs, every: 250 },
  ).catch(seen);
}

/** What a container logged, across its restarts. */
const logsOf = async (ctx: StackContext, service: string) => (await $`docker logs ${await ctx.project.id(service)}`.quiet()).stdout;

/** A check's first question: does the sidecar run with the edit (`want`: the value, or any)? Undefined when it does,
 * else what is missing. */
async function edited(ctx: StackContext, service: string, name: string, want?: string) {
  const v = (await envOf(ctx, service)).get(name);
  if (want ? v === want : v) return undefined;
  const edit = want ? `set ${name}: ${want} for ${service}` : `give ${service} a ${name}`;
  return fail(`${service} runs with ${name}=${v ?? '(unset)'}: ${edit} in compose.yaml, then ${APPLY}`);
}

/** The solution of an exercise that edits compose.yaml: the diff's hunks (each `@@ … @@` and its lines), applied to
 * the run, then the commands `then`. */
const composeEdit = (hunks: string, ...then: string[]) => fileEdit(COMPOSE, hunks, [APPLY, ...then]);

const exercises: Exercise[] = [
  {
    title: 'Watch a change travel.',
    text: `Bring the stack up, set its addresses in your shell, and watch app-hup in one
terminal. In another, put a new value. Compare \`config_sync_apply_duration_seconds\` in sync-hup's metrics with
what you saw, then watch app-once's \`pid\` and \`starts\` change: app-hup reloaded in the same process, app-once was
started again.

\`\`\`sh
npm run stack:config -- up
eval "$(npm run -s stack:config -- urls --env)"
watch -n 0.2 curl -s "$APP_HUP"
${put('ex1', 'hi')}
curl -s "$SYNC_HUP" | grep apply_duration
curl -s "$APP_ONCE"
\`\`\``,
    hints: [
      '`urls --env` exports $APP_HUP, $APP_ONCE, $SYNC_HUP, $SYNC_ONCE and $ETCD: eval sets them in your shell.',
      'The check wants version ex1 in etcd, and both apps serving it.',
    ],
    solution: { commands: [put('ex1', 'hi')] },
    async restore(ctx) {
      // The seed's value back, so that ex1 is a change again.
      await (await etcdOf(ctx.project)).put(KEY, readFileSync(join(ROOT, SEED)));
      await Promise.all([serves(ctx, 'hup', 'seed'), serves(ctx, 'once', 'seed')]);
    },
    async check(ctx) {
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
    },
  },
  {
    title: 'Break it: what goes wrong without validation.',
    text: `The 1 s poller of the benchmark's baseline
(\`poller/poll.sh\`, beside the stack with \`npm run config -- baseline\`) writes whatever etcd holds and signals the
app. Make sync-hup do the same: in \`compose.yaml\`, set its \`CONFIG_SYNC_FORMAT: text\` and remove its
\`CONFIG_SYNC_SCHEMA\`. Apply that, put half-written JSON, and read app-hup's logs: \`cannot load config on SIGHUP;
exiting\`, then \`cannot load config at start\` at every restart. One bad write caused a crash loop. app-once keeps
serving the last good version, because sync-once still validates, and its
\`config_sync_updates_rejected_total{reason="json"}\` says why. Roll back to heal app-hup.

\`\`\`sh
${APPLY}
npm run config -- set '{"version": "broken", "greeting": '
npm run stack:config -- logs app-hup
npm run config -- rollback
\`\`\``,
    hints: [
      'Only sync-hup changes: sync-once keeps its schema, so app-once shows what validation buys.',
      'The check wants sync-hup without validation, app-hup’s line “cannot load config on SIGHUP; exiting”, and app-hup serving again after the rollback.',
      'Docker’s restart policy waits a little longer after each crash: app-hup may take a few seconds to come back.',
    ],
    ...composeEdit(
      `@@ -52,4 +52,4 @@
       CONFIG_SYNC_KEY: *key
-      CONFIG_SYNC_SCHEMA: /etc/config-sync/app.schema.json
+      CONFIG_SYNC_FORMAT: text
       CONFIG_SYNC_RELOAD: signal
       CONFIG_SYNC_PROCESS: config-hup.js
`,
      `npm run config -- set '{"version": "broken", "greeting": '`,
      'npm run config -- rollback',
    ),
    recreate: ['app-hup'],
    break: 'no-validation',
    async check(ctx) {
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
    },
  },
  {
    title: 'Tune the interval.',
    text: `Give sync-once \`CONFIG_SYNC_MIN_APPLY_INTERVAL: 5s\` in \`compose.yaml\`, apply it,
and put 10 values in a row (from etcd's own container, so that they come as one burst). Count app-once's restarts
(\`starts\`). Then try \`0s\`. What does the interval cost a lone change?

\`\`\`sh
${APPLY}
${BURST}
curl -s "$APP_ONCE"
\`\`\``,
    hints: [
      'The interval goes under sync-once’s environment; apply re-creates sync-once alone.',
      'A change after a quiet spell is applied at once; those that come sooner wait, and only the newest is applied.',
      'The check wants at least 10 values seen by sync-once since it started with 5s, fewer restarts than values, and app-once at the last one.',
    ],
    ...composeEdit(
      `@@ -92,3 +92,4 @@
       CONFIG_SYNC_RELOAD: restart
       CONFIG_SYNC_PROCESS: config-once.py
+      CONFIG_SYNC_MIN_APPLY_INTERVAL: 5s
     depends_on:
`,
      BURST,
    ),
    async check(ctx) {
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
    },
  },
  {
    title: 'Reload by HTTP.',
    text: `app-hup also reloads on \`POST /-/reload\`. Switch sync-hup to \`CONFIG_SYNC_RELOAD: http\` with
\`CONFIG_SYNC_RELOAD_URL: http://127.0.0.1:8080/-/reload\` in place of its \`CONFIG_SYNC_PROCESS\`, apply it, and put a
new value. sync-hup still runs as the app's user: why is that now only for writing the shared directory, and no
longer for the signal?

\`\`\`sh
${APPLY}
${put('by-http', 'reloaded by POST')}
npm run stack:config -- logs app-hup
\`\`\``,
    hints: [
      '127.0.0.1 is the pod’s own loopback: sync-hup and app-hup share its network namespace.',
      '`config_sync_reloads_total` has a method label: look for method="http".',
      'The shared directory is a tmpfs owned by the app’s user, with mode 0755: who else may write to it?',
    ],
    ...composeEdit(
      `@@ -53,4 +53,4 @@
       CONFIG_SYNC_SCHEMA: /etc/config-sync/app.schema.json
-      CONFIG_SYNC_RELOAD: signal
-      CONFIG_SYNC_PROCESS: config-hup.js
+      CONFIG_SYNC_RELOAD: http
+      CONFIG_SYNC_RELOAD_URL: http://127.0.0.1:8080/-/reload
     depends_on:
`,
      put('by-http', 'reloaded by POST'),
    ),
    async check(ctx) {
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
    },
  },
  {
    title: 'Kubernetes layout.',
    text: `Kubernetes updates a ConfigMap volume by swapping a symlink. Set
\`CONFIG_SYNC_WRITE_MODE: symlink\` for sync-hup, apply it, put a new value, and list the shared directory as the
app sees it. Find \`..data\`, the timestamped directory it points to, and \`config.json\`, a link into \`..data\`.
Put another value and list it again: \`..data\` points to a new directory, swapped in by one rename.

\`\`\`sh
${APPLY}
${put('swapped', 'through a symlink')}
npm run stack:config -- exec app-hup ls -la /config
\`\`\``,
    hints: [
      'A new sidecar writes nothing while etcd holds what is on disk: the layout changes with the next new value.',
      'The check reads both links inside app-hup: config.json to ..data/config.json, and ..data to a timestamped directory.',
    ],
    ...composeEdit(
      `@@ -54,3 +54,4 @@
       CONFIG_SYNC_RELOAD: signal
       CONFIG_SYNC_PROCESS: config-hup.js
+      CONFIG_SYNC_WRITE_MODE: symlink
     depends_on:
`,
      put('swapped', 'through a symlink'),
    ),
    async check(ctx) {
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
    },
  },
  {
    title: 'A validate command.',
    text: `Give sync-hup a command that refuses any value containing \`forbidden\`,
apply it, and put such a value. Which label of \`config_sync_updates_rejected_total\` goes up? What does sync-hup's
log line say? app-once, whose sidecar has no such command, serves the value. The sidecar's image has a shell but
no grep, so the command uses only the shell's own words, and \`$$\` is how \`compose.yaml\` writes a \`$\`. Under
sync-hup's environment:

\`\`\`yaml
      ${VALIDATE}
\`\`\`

\`\`\`sh
${APPLY}
${put('forbidden', 'not on my watch')}
curl -s "$SYNC_HUP" | grep rejected
npm run stack:config -- logs sync-hup
\`\`\``,
    hints: [
      'The command gets the value on stdin; exit 0 accepts it, anything else rejects it, and its last stderr line is the reason logged.',
      '`read -r v` reads the first line of the value into v; case … in *forbidden*) matches it anywhere.',
      'The check wants a value that says forbidden rejected for reason command, and app-hup’s file without it.',
    ],
    ...composeEdit(
      `@@ -54,3 +54,4 @@
       CONFIG_SYNC_RELOAD: signal
       CONFIG_SYNC_PROCESS: config-hup.js
+      ${VALIDATE}
     depends_on:
`,
      put('forbidden', 'not on my watch'),
    ),
    async check(ctx) {
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
    },
  },
];

export default exercises;
