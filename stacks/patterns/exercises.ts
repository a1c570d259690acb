// The patterns lesson's exercises, as the learner reads them: text, hints, solution and reset of each, and its
// check (scripts/lib/exercise/types.ts). The checks are in exercise-checks.ts; the commands and helpers both use,
// in exercise-support.ts. `npm run gen` writes the README's Exercises section from this list;
// scripts/lib/test/exercises.docker.test.ts proves each one: its check fails on the untouched stack, passes once the
// solution is applied, and fails again after --reset, which leaves git status clean.
import { attachTopz } from '../../scripts/lib/exercise/runs.js';
import type { Exercise } from '../../scripts/lib/exercise/types.js';
import {
  checkAmbassadorMoved,
  checkHash,
  checkInitBroken,
  checkNotes,
  checkShardStopped,
  restoreFailedUps,
  restoreShard,
} from './exercise-checks.js';
import { APPLY, COMPOSE, CONF } from './exercise-support.js';

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
    check: checkNotes,
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
    restore: restoreShard,
    check: checkShardStopped,
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
    check: checkHash,
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
    check: checkAmbassadorMoved,
  },
  {
    title: 'Give the init container a bad parameter.',
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
    restore: restoreFailedUps,
    check: checkInitBroken,
  },
  attachTopz('patterns', {
    title: 'Attach a fifth helper without editing the file.',
    processes: "the app, three helpers, topz itself, and the pod's PID 1",
    beside: 'the app and its three helpers',
  }),
];

export default exercises;
