// The logs lesson's exercises, as the learner reads them: text, hints, solution and reset of each, and its check
// (scripts/lib/exercise/types.ts). The checks are in exercise-checks.ts; the commands and helpers both use, in
// exercise-support.ts. `npm run gen` writes the README's Exercises section from this list;
// scripts/lib/test/exercises.docker.test.ts proves each one: its check fails on the untouched stack, passes once the
// solution is applied, and fails again after --reset, which leaves git status clean.
import type { Exercise } from '../../scripts/lib/exercise/types.js';
import { checkBufferBelowBatch, checkCommitOnRead, checkCopiesIgnored, checkDuplicates, restoreUniqueKey } from './exercise-checks.js';
import { APPLY, BREAK_APPLY, composeEdit, DROP_KEY, LINES, PSQL, RECEIVER, REGISTRY, receiverPatch, STACK } from './exercise-support.js';

const exercises: Exercise[] = [
  {
    title: 'Break it: advance the registry on read.',
    text: `Tell your running stack's sidecars to move their registry when a line is read, as Fluent Bit's tail input
does, instead of when rsyslog has acknowledged it. Then take the receiver away, have the file app write, kill the
sidecar, bring the receiver back and count what the store got. The lines the killed sidecar had read are \`lost\`:
its registry said they were done, and nothing else held them. Check 5 does this with 6000 lines (1735 lost in our
run); the exercise's check does it with ${LINES}.

\`\`\`sh
${BREAK_APPLY}
eval "$(npm run -s stack:logs -- urls --env)"
${STACK} stop rsyslog
curl -X POST "\${APP_FILE%/status}/write?count=${LINES}"
curl -s "$SHIPPER_FILE" | grep -E 'read_lines|acked_records'
${STACK} kill shipper-file
${STACK} start rsyslog shipper-file
curl -s "$APP_FILE"
${PSQL} "SELECT count(*), max(seq) FROM logs WHERE source = 'file'"
\`\`\``,
    hints: [
      'compose.yaml gives both sidecars LOG_SHIPPER_UNSAFE_COMMIT_ON_READ from UNSAFE_COMMIT_ON_READ: set on the apply line, it re-creates them with it; an apply without it puts them back.',
      'While rsyslog is stopped nothing is acknowledged: read_lines_total rises and acked_records_total does not. With commit-on-read the registry moves all the same.',
      `The check wants shipper-file running with LOG_SHIPPER_UNSAFE_COMMIT_ON_READ=true; then it stops rsyslog, has the file app write ${LINES} lines, crashes shipper-file once its registry says app.log is done, starts rsyslog and counts the lines the store never got.`,
    ],
    solution: { commands: [BREAK_APPLY] },
    recreate: ['shipper-file', 'shipper-stdout'],
    break: 'commit-on-read',
    check: checkCommitOnRead,
  },
  {
    title: 'Duplicates without ids.',
    text: `The store keeps each record once for two reasons: the unique key on \`logs.id\`
(\`stacks/logs/schema/logs.sql\`) and \`ON CONFLICT (id) DO NOTHING\` in rsyslog's insert
(\`${RECEIVER}\`). Remove both. receiver.conf is copied into rsyslog's image, so apply rebuilds
the image and re-creates rsyslog; the schema ran once, when the store's volume was made, so drop the key in the
running store. Then make the stdout sidecar send again what it has delivered: with no registry it starts over
from offset 0, as a crash between an acknowledgement and the registry's write does for one batch (check 4 kills
it five times). Count the ids stored twice. The check does the same with ${LINES} lines of its own.

\`\`\`sh
${APPLY}
${DROP_KEY}
eval "$(npm run -s stack:logs -- urls --env)"
curl -X POST "\${APP_STDOUT%/status}/write?count=${LINES}"
${STACK} kill shipper-stdout
${STACK} exec app-stdout rm ${REGISTRY}
${STACK} start shipper-stdout
${PSQL} 'SELECT count(*) - count(DISTINCT id) AS stored_twice FROM logs'
\`\`\``,
    hints: [
      `Only one line of ${RECEIVER} changes: the end of the insert's template.`,
      `Without ON CONFLICT, a repeated id fails the insert while the key is there, and rsyslog retries that batch for ever; with ON CONFLICT and no key, every insert fails. Remove both.`,
      `The check wants rsyslog's receiver.conf without ON CONFLICT and no unique key on logs; then it writes ${LINES} lines to the stdout app, removes shipper-stdout's registry, crashes it, and counts the lines stored twice.`,
    ],
    solution: { patch: receiverPatch(), commands: [APPLY, DROP_KEY] },
    touches: [RECEIVER],
    restore: restoreUniqueKey,
    check: checkDuplicates,
  },
  {
    title: 'Rotation without the copies.',
    text: `Set the sidecars' \`LOG_SHIPPER_INCLUDE\` to \`"*.log"\` in compose.yaml, so that the copies copytruncate
makes (\`app.log.1\`) no longer match, and apply it. When app.log is truncated, the sidecar finds no copy to read
on from: what it had not read yet was only in the copy, and is lost, as check 3 would find. The check rotates once:
it pauses shipper-file, has the app write ${LINES} lines, copies app.log and truncates it, and lets the sidecar go
on. Then read the sidecar's warning, and find the copy beside app.log.

\`\`\`sh
${APPLY}
${STACK} logs --tail 5 shipper-file
${STACK} exec app-file ls -l /var/log/app
\`\`\``,
    hints: [
      'LOG_SHIPPER_INCLUDE is in the environment both sidecars share (x-shipper): "*.log" still matches stdout.log.',
      'A copy is known by its fingerprint, the hash of its first line: the sidecar reads on in it only if --include lists it.',
      `The check wants shipper-file following app.log and not its copies; then it rotates by copytruncate with ${LINES} lines unread, and counts those the store never got.`,
    ],
    ...composeEdit(
      `@@ -17,3 +17,3 @@
     LOG_SHIPPER_RELP_HOST: rsyslog
-    LOG_SHIPPER_INCLUDE: "*.log*"   # the copies copytruncate makes too (app.log.<n>)
+    LOG_SHIPPER_INCLUDE: "*.log"
     # A record starts with a JSON object or a time stamp; other lines (a traceback) belong to the record before.
`,
      APPLY,
    ),
    check: checkCopiesIgnored,
  },
  {
    title: 'A buffer smaller than a batch.',
    text: `For a slow receiver you might lower the sidecar's memory bound. Give shipper-stdout
\`LOG_SHIPPER_MAX_BUFFER_BYTES: "65536"\` in compose.yaml, and raise its \`LOG_SHIPPER_BATCH_MAX_BYTES\` above it,
to \`"131072"\`, then apply it. A batch that can never fit in the buffer cannot work: the sidecar refuses to start,
exiting 2 with one line that names both parameters, and Docker's restart policy starts it again, to the same end
(apply says it did not become healthy). app-stdout writes on meanwhile: its lines wait in the file until
\`--reset\` puts compose.yaml back.

\`\`\`sh
${APPLY}
${STACK} ps shipper-stdout
${STACK} logs --tail 3 shipper-stdout
\`\`\``,
    hints: [
      'Put both under shipper-stdout’s own environment, after its <<: *shipper-env line: a key given there wins over the shared one.',
      '--batch-max-bytes must not be above --max-buffer-bytes: one batch is read into the buffer before it is sent.',
      'The check wants shipper-stdout run with a batch bound above its buffer bound, exiting 2 with one line that names both.',
    ],
    ...composeEdit(
      `@@ -105,4 +105,6 @@
       <<: *shipper-env
       LOG_SHIPPER_POD: pod-stdout
       LOG_SHIPPER_CONTAINER: app-stdout
+      LOG_SHIPPER_MAX_BUFFER_BYTES: "65536"
+      LOG_SHIPPER_BATCH_MAX_BYTES: "131072"
     depends_on:
`,
      `${APPLY} || true`,
    ),
    check: checkBufferBelowBatch,
  },
];

export default exercises;
