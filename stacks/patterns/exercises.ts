// The patterns lesson's exercises: text, check, hints, solution and reset of each (scripts/lib/exercise/types.ts).
// `npm run gen` writes the README's Exercises section from this list; scripts/lib/test/exercises.docker.test.ts
// proves each one: its check fails on the untouched stack, passes once the solution is applied, and fails again
// after --reset, which leaves git status clean.
import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { $ } from 'zx';
import { CheckFailure, show } from '../../scripts/lib/check.js';
import { ROOT } from '../../scripts/lib/config.js';
import { attachTopz } from '../../scripts/lib/exercise/runs.js';
import { type Exercise, fail, pass, type Verdict } from '../../scripts/lib/exercise/types.js';
import { listRecordings, RUNS_DIR, readRecording, type Recording } from '../../scripts/lib/recordings.js';
import type { StackContext } from '../../scripts/lib/stack-types.js';
import { ambassadorShards } from './checks-ambassador.js';
import { appStatus } from './support.js';

const APPLY = 'npm run stack:patterns -- apply';
const CONF = 'stacks/patterns/ambassador/nutcracker.yml';
const COMPOSE = 'stacks/patterns/compose.yaml';

/** What a container of the run was started with: its environment, network mode and start time. */
async function started(ctx: StackContext, service: string): Promise<{ env: string[]; network: string; at: number }> {
  const f = '{{json .Config.Env}}\t{{.HostConfig.NetworkMode}}\t{{.State.StartedAt}}';
  const [env, network, at] = (await $`docker inspect --format ${f} ${await ctx.project.id(service)}`.quiet()).stdout.trim().split('\t');
  return { env: JSON.parse(env!) as string[], network: network!, at: Date.parse(at!) };
}

/** Check 4 of the lesson, run against the learner's stack: undefined when it passes, else what it found. */
async function check4(ctx: StackContext): Promise<string | undefined> {
  try {
    await ambassadorShards.run(ctx);
    return undefined;
  } catch (e) {
    if (!(e instanceof CheckFailure)) throw e;
    return `${e.message}: expected ${show(e.expected)}, received ${show(e.received)}`;
  }
}

/** Whether the ambassador was started after the last edit of its configuration file. */
async function ambassadorLoaded(ctx: StackContext): Promise<Verdict | undefined> {
  if ((await started(ctx, 'ambassador')).at < statSync(join(ROOT, CONF)).mtimeMs)
    return fail(`the ambassador started before ${CONF} was last edited, and reads it only at start: ${APPLY}`);
  return undefined;
}

/** The recordings of patterns runs whose `up` failed: the runs an init container stopped. */
const failedUps = (): Recording[] =>
  listRecordings()
    .filter((r) => r.stack === 'patterns')
    .map((r) => readRecording(r.project))
    .filter((r): r is Recording => !!r && r.checks.some((c) => c.name === 'patterns: bring-up' && !c.ok));

const exercises: Exercise[] = [
  {
    title: 'Notes through the pod.',
    text: `Bring the stack up, set its addresses in your shell, write three notes over HTTPS and read one back. Then
compare \`Requests\` on the app's own \`/status\` with \`legacy_notes_requests_total\` on the adapter's \`/metrics\`:
they move together, and the app knows nothing of Prometheus.

\`\`\`sh
npm run stack:patterns -- up
eval "$(npm run -s stack:patterns -- urls --env)"
for n in a b c; do curl --cacert "$CA" -X PUT --data "note $n" "\${HTTPS}notes/$n"; done
curl --cacert "$CA" "\${HTTPS}notes/b"
curl --cacert "$CA" "$STATUS"
curl "$METRICS"
\`\`\``,
    hints: [
      '`urls --env` exports $HTTPS, $STATUS, $METRICS and $CA: the certificate the init container issued, copied out of the pod.',
      'The check counts the app’s own figures: at least 3 notes written and 1 read.',
    ],
    solution: {
      commands: [
        'for n in a b c; do curl -sS --cacert "$CA" -X PUT --data "note $n" "${HTTPS}notes/$n"; done',
        'curl -sS --cacert "$CA" "${HTTPS}notes/b"',
      ],
    },
    recreate: ['app'],
    async check(ctx) {
      const f = (await appStatus(ctx)).figures;
      if ((f['Notes written'] ?? 0) < 3 || (f['Notes read'] ?? 0) < 1)
        return fail(`the app has ${f['Notes written'] ?? 0} notes written and ${f['Notes read'] ?? 0} read: write 3 and read 1 back`);
      return pass(`the app wrote ${f['Notes written']} notes and read ${f['Notes read']}, through the sidecar and the ambassador`);
    },
  },
  {
    title: 'Stop one shard.',
    text: `Stop \`shard-b\` and write ten more notes. Which of them fail, and with what status? Where does \`Store
errors\` show up? Why do the notes whose keys hash to \`shard-a\` still work? (The ambassador has
\`auto_eject_hosts: false\`: what would \`true\` change?)

\`\`\`sh
npm run stack:patterns -- stop shard-b
for i in 1 2 3 4 5 6 7 8 9 10; do curl -s -o /dev/null -w '%{http_code} ' --cacert "$CA" -X PUT --data x "\${HTTPS}notes/n$i"; done; echo
curl --cacert "$CA" "$STATUS"
\`\`\``,
    hints: [
      'A note whose key hashes to the stopped shard gets 502 from the app: its store call failed.',
      'The check wants shard-b stopped, at least one store error and at least one note written after all.',
    ],
    solution: {
      commands: [
        'npm run stack:patterns -- stop shard-b',
        `for i in 1 2 3 4 5 6 7 8 9 10; do curl -s -o /dev/null -w '%{http_code} ' --cacert "$CA" -X PUT --data x "\${HTTPS}notes/n$i"; done; echo`,
      ],
    },
    async restore(ctx) {
      // The shard back first: the ambassador resolves its servers' names when it starts.
      await ctx.project.up(120, { recreate: false });
      await ctx.project.recreate(['ambassador', 'app']);
    },
    async check(ctx) {
      const state = (await $`docker inspect --format {{.State.Status}} ${await ctx.project.id('shard-b')}`.quiet()).stdout.trim();
      if (state === 'running') return fail('shard-b is running: npm run stack:patterns -- stop shard-b');
      const f = (await appStatus(ctx)).figures;
      if (!(f['Store errors']! > 0)) return fail(`shard-b is ${state}, but the app has counted no store error yet: write ten notes`);
      if (!(f['Notes written']! > 0)) return fail('no note was written at all: are the keys all on shard-b? write ten with other names');
      return pass(
        `with shard-b ${state}, the app counted ${f['Store errors']} store errors and still wrote ${f['Notes written']} notes: those on shard-a`,
      );
    },
  },
  {
    title: 'Change the hash.',
    text: `Change \`hash: murmur\` in \`ambassador/nutcracker.yml\` to \`fnv1a_64\`, apply it to the run, and run check 4
again. Its 40 notes, spread over both shards by murmur, now all land on one: twemproxy 0.5.0's fnv1a_64 works in 32 bits,
where its prime is only 435, so keys that differ only in their last bytes hash close together, into one arc of the
ring. A sharding scheme is only as good as its hash.

\`\`\`sh
${APPLY}
npm run stack:patterns -- check --only 4
\`\`\``,
    hints: [
      `The ambassador reads ${CONF} only when it starts; \`${APPLY}\` re-creates what mounts an edited file.`,
      'The check wants the ambassador started with fnv1a_64, and check 4 then failing with one shard empty.',
    ],
    solution: {
      patch: `--- a/${CONF}
+++ b/${CONF}
@@ -6,3 +6,3 @@
   redis: true
-  hash: murmur
+  hash: fnv1a_64
   distribution: ketama
`,
      commands: [APPLY],
    },
    touches: [CONF],
    break: 'fnv1a-hash',
    async check(ctx) {
      const hash = /^\s*hash:\s*(\S+)/m.exec(readFileSync(join(ROOT, CONF), 'utf8'))?.[1];
      if (hash !== 'fnv1a_64') return fail(`${CONF} hashes with ${hash}: set hash: fnv1a_64, then ${APPLY}`);
      const stale = await ambassadorLoaded(ctx);
      if (stale) return stale;
      const failed = await check4(ctx);
      if (!failed) return fail('the ambassador hashes with fnv1a_64, yet check 4 passed: its 40 notes reached both shards');
      return pass(`the ambassador hashes with fnv1a_64, and check 4 fails: ${failed}`);
    },
  },
  {
    title: 'Move the ambassador out of the pod.',
    text: `Give the ambassador its own service instead of a place in the pod: its own network namespace, listening on
\`0.0.0.0:6379\` (in \`nutcracker.yml\`), and set the app's \`STORE\` to \`ambassador:6379\`. Apply it. The app still
works. Which part of check 4 now fails? Which property did you gain, and which did you lose?

\`\`\`sh
${APPLY}
npm run stack:patterns -- check --only 4
\`\`\``,
    hints: [
      'In compose.yaml, the ambassador’s `<<: *member` puts it in the pod; `extends: { file: ../../compose/hardened.yaml, service: hardened }` keeps the hardening without the pod.',
      'Listening on 127.0.0.1 inside its own network namespace, the ambassador would be reachable by nobody else.',
      'The check wants the app’s STORE changed, a note written through the moved ambassador, and check 4 failing.',
    ],
    solution: {
      patch: `--- a/${CONF}
+++ b/${CONF}
@@ -4,3 +4,3 @@
 notes:
-  listen: 127.0.0.1:6379
+  listen: 0.0.0.0:6379
   redis: true
--- a/${COMPOSE}
+++ b/${COMPOSE}
@@ -48,3 +48,3 @@
   ambassador:
-    <<: *member
+    extends: { file: ../../compose/hardened.yaml, service: hardened }
     image: sidecar-lab/nutcracker:\${SIDECAR_LAB_VERSION:-dev}
@@ -77,3 +77,3 @@
       PORT: "8080"
-      STORE: 127.0.0.1:6379
+      STORE: ambassador:6379
     depends_on:
`,
      commands: [APPLY],
    },
    touches: [CONF, COMPOSE],
    async check(ctx) {
      const [app, amb] = [await started(ctx, 'app'), await started(ctx, 'ambassador')];
      const store = app.env.find((v) => v.startsWith('STORE='))?.slice(6);
      if (store === '127.0.0.1:6379')
        return fail(`the app’s STORE is still ${store}: set it to ambassador:6379 in compose.yaml, then ${APPLY}`);
      if (amb.network.startsWith('container:'))
        return fail(`the ambassador still joins the pod (network mode ${amb.network}): give it its own service, then ${APPLY}`);
      const stale = await ambassadorLoaded(ctx);
      if (stale) return stale;
      const f0 = (await appStatus(ctx)).figures['Notes written'] ?? 0;
      const failed = await check4(ctx);
      const f1 = (await appStatus(ctx)).figures['Notes written'] ?? 0;
      if (f1 <= f0) return fail(`the app wrote no note through the ambassador at ${store}: is it listening on 0.0.0.0:6379?`);
      if (!failed) return fail('check 4 still passes: does the app still talk to 127.0.0.1:6379?');
      return pass(`the app stores through ${store} (${f1 - f0} notes written) and check 4 fails: ${failed}`);
    },
  },
  {
    title: 'Break the init container by hand.',
    text: `Bring up a second run with a bad parameter for the init container. It fails, prints the project's
\`docker compose ps\` and logs, and removes the run. In that \`ps\`, which containers were created, and which ever
started? The lab's Timeline replays the failed run from its recording (\`.state/runs/\`).

\`\`\`sh
CERT_CURVE=no-such-curve npm run stack:patterns -- up
\`\`\``,
    hints: [
      'Your running stack is not touched: `up` starts a run of its own, with its own project name.',
      'The check reads the recording of the failed run: the init container died non-zero, and the app never started.',
    ],
    solution: { commands: ['CERT_CURVE=no-such-curve npm run stack:patterns -- up || true'] },
    async restore() {
      for (const r of failedUps()) rmSync(join(RUNS_DIR, `${r.project}.json`), { force: true });
    },
    async check() {
      const run = failedUps().at(-1);
      if (!run) return fail('no run of patterns has failed to come up yet: CERT_CURVE=no-such-curve npm run stack:patterns -- up');
      const of = (service: string, action: string) => run.events.filter((e) => e.service === service && e.action === action);
      const died = of('init', 'die').at(-1);
      if (!died || died.detail === '0') return fail(`in ${run.project} the init container did not fail: was CERT_CURVE set?`);
      const never = ['tls-proxy', 'ambassador', 'adapter', 'app'].filter((s) => of(s, 'create').length && !of(s, 'start').length);
      return pass(`in ${run.project} the init container exited ${died.detail}; created but never started: ${never.join(', ') || 'none'}`);
    },
  },
  attachTopz('patterns', {
    title: 'Attach a fifth helper without editing the file.',
    processes: "the app, three helpers, topz itself, and the pod's PID 1",
    beside: 'the app and its three helpers',
  }),
];

export default exercises;
