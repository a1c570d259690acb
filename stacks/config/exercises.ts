// The config lesson's exercises, as the learner reads them: text, hints, solution and reset of each, and its check
// (scripts/lib/exercise/types.ts). The checks are in exercise-checks.ts; the commands and helpers both use, in
// exercise-support.ts. `npm run gen` writes the README's Exercises section from this list;
// scripts/lib/test/exercises.docker.test.ts proves each one: its check fails on the untouched stack, passes once the
// solution is applied, and fails again after --reset, which leaves git status clean.
import type { Exercise } from '../../scripts/lib/exercise/types.js';
import {
  checkChangeTravelled,
  checkHttpReload,
  checkInterval,
  checkNoValidation,
  checkSymlinkLayout,
  checkValidateCommand,
  restoreSeed,
} from './exercise-checks.js';
import { APPLY, BURST, composeEdit, put, VALIDATE } from './exercise-support.js';

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
    restore: restoreSeed,
    check: checkChangeTravelled,
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
    check: checkNoValidation,
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
    check: checkInterval,
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
    check: checkHttpReload,
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
    check: checkSymlinkLayout,
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
    check: checkValidateCommand,
  },
];

export default exercises;
