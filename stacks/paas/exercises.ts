// The paas lesson's exercises, as the learner reads them: text, hints, solution and reset of each, and its check
// (scripts/lib/exercise/types.ts). The checks are in exercise-checks.ts; the commands and helpers both use, in
// exercise-support.ts. `npm run gen` writes the README's Exercises section from this list;
// scripts/lib/test/exercises.docker.test.ts proves each one: its check fails on the untouched stack, passes once the
// solution is applied, and fails again after --reset, which leaves git status clean.
import type { Exercise } from '../../scripts/lib/exercise/types.js';
import {
  checkFlip,
  checkFollowSymlinks,
  checkNoCheckCommand,
  checkRefused,
  checkServerStopped,
  restoreFixed,
  restoreGitServer,
} from './exercise-checks.js';
import { APPLY, CLONE, COMMIT, NODEMON } from './exercise-support.js';

const exercises: Exercise[] = [
  {
    title: 'Push a broken build.',
    text: `Bring the stack up, clone its site from the git server, and push an \`app.js\` with a syntax error. git-sync
checks each revision before it publishes it (\`bun build --no-bundle app.js\`): it refuses this one, and the site
keeps serving the previous build. git-sync's log says why, with Bun's parse error, and \`git_sync_checks_total\`
counts the failed check. Then revert the commit and push again: the fix goes live.

\`\`\`sh
npm run stack:paas -- up
eval "$(npm run -s stack:paas -- urls --env)"
site="$(mktemp -d)/site" && git clone "$GIT" "$site"
printf 'module.exports = {\\n' > "$site/app.js"
git -C "$site" commit -am broken && git -C "$site" push
npm run stack:paas -- logs --tail 2 git-sync
curl -s "$METRICS" | grep checks_total
curl -s "$SITE" | grep build
git -C "$site" revert --no-edit HEAD && git -C "$site" push
\`\`\``,
    hints: [
      '`urls --env` exports $GIT, the git server on 127.0.0.1: a lab server, so the clone and the push need no credentials.',
      'The check reads git-sync’s log for "pre-publish check failed; revision not published", and asks the site which revision it serves.',
      'A revert is a new commit: git-sync checks it like any other, and publishes it.',
    ],
    solution: {
      commands: [CLONE, `printf 'module.exports = {\\n' > "$site/app.js"`, `${COMMIT} -am broken && git -C "$site" push -q`],
    },
    restore: restoreFixed,
    check: checkRefused,
  },
  {
    title: 'Now remove the safety net.',
    text: `Set \`GIT_SYNC_CHECK_COMMAND: ""\` in compose.yaml, apply it to the run, and push the same broken \`app.js\`
from your clone of exercise 1. git-sync publishes it, nodemon restarts the server, the server throws while loading
\`app.js\`, and nodemon waits ("app crashed - waiting for file changes"). Requests now hang in the socket's backlog:
the site is down until someone pushes a fix. That is the failure the pre-publish check exists for. The check pushes
a broken commit itself, waits for the site to stop answering, then pushes the fix.

\`\`\`sh
${APPLY}
git -C "$site" pull -q
printf 'module.exports = {\\n' > "$site/app.js"
git -C "$site" commit -am broken && git -C "$site" push
curl -m 3 "$SITE"
npm run stack:paas -- logs --tail 3 app
git -C "$site" revert --no-edit HEAD && git -C "$site" push
\`\`\``,
    hints: [
      'GIT_SYNC_CHECK_COMMAND is under the git-sync service’s environment; an empty value means no check at all.',
      `\`${APPLY}\` re-creates git-sync with its new environment; the app and the site volume stay.`,
      'The check wants git-sync running with an empty check command, then publishes a broken app.js and waits up to 30 s for GET / to stop answering.',
    ],
    solution: {
      patch: `--- a/stacks/paas/compose.yaml
+++ b/stacks/paas/compose.yaml
@@ -47,3 +47,3 @@
       GIT_SYNC_PERIOD: \${SYNC_PERIOD:-3s}
-      GIT_SYNC_CHECK_COMMAND: bun build --no-bundle app.js >/dev/null
+      GIT_SYNC_CHECK_COMMAND: ""
       GIT_SYNC_GC_GRACE: \${GC_GRACE:-15s}
`,
      commands: [APPLY],
    },
    touches: ['stacks/paas/compose.yaml'],
    break: 'no-check-command',
    check: checkNoCheckCommand,
  },
  {
    title: 'Pull the plug.',
    text: `Stop the git server. The site keeps serving, and \`git_sync_consecutive_failures\` climbs with each poll
(every 3 s here). After \`--max-failures\` (10) failures in a row git-sync exits and Compose restarts it; the link
stays. Run the check while the server is stopped; then start it again (its port may change: \`urls\` prints the new
one) and push: the push is live within a period.

\`\`\`sh
npm run stack:paas -- stop git-server
curl -s "$METRICS" | grep -E 'consecutive|failures_total'
curl -s "$SITE" | grep build
npm run stack:paas -- start git-server
\`\`\``,
    hints: [
      '`stop` is Docker Compose’s stop, on the run: the git server’s container stays, stopped, until `start`.',
      'git-sync polls every 3 s: each poll that cannot reach the server is one more failure. The check waits up to 30 s for one.',
      'Once its budget is spent, git-sync exits 1 and the restart policy brings it back: its counter starts again, and the link stays.',
    ],
    solution: { commands: ['npm run stack:paas -- stop git-server'] },
    restore: restoreGitServer,
    check: checkServerStopped,
  },
  {
    title: 'Watch the flip.',
    text: `In a second terminal, watch the link while you push a commit: it flips from one tree to the next in one
step, and never names a half-made one. The tree it leaves is retired: git-sync removes it once no process in the pod
has a file open in it (the old server keeps its working directory there until nodemon stops it), and its grace period
(15 s here) has passed since then. List the trees again a little later.

\`\`\`sh
npm run stack:paas -- exec app sh -c 'while :; do readlink /srv/site/current; sleep 0.2; done'
git -C "$site" pull -q && git -C "$site" commit --allow-empty -m flip && git -C "$site" push
npm run stack:paas -- exec app ls /srv/site/worktrees
curl -s "$METRICS" | grep gc_removed
\`\`\``,
    hints: [
      'Any commit will do, an empty one too: git-sync publishes each new revision as a tree of its own.',
      'git_sync_gc_removed_total counts the retired trees removed; the check waits up to 45 s for one after your push.',
    ],
    solution: { commands: [CLONE, `${COMMIT} --allow-empty -m flip && git -C "$site" push -q`] },
    recreate: ['git-sync'],
    check: checkFlip,
  },
  {
    title: 'Why `followSymlinks: false`?',
    text: `Remove \`watchOptions\` from \`${NODEMON}\` and apply it: the file is copied into the app's image
(images/Dockerfile, target legacy-site), so \`apply\` rebuilds that image and re-creates the app. Push a commit and
explain why nodemon no longer restarts the server: \`current\` names the new revision, and the site keeps serving the
old one. The check pushes a commit itself and watches the site for 6 s.

\`\`\`sh
${APPLY}
git -C "$site" pull -q && git -C "$site" commit --allow-empty -m unseen && git -C "$site" push
npm run stack:paas -- exec app readlink /srv/site/current
curl -sI "$SITE" | grep -i x-revision
\`\`\``,
    hints: [
      'nodemon reads its configuration from the image: editing the file changes nothing until apply has rebuilt the image.',
      'chokidar, nodemon’s watcher, follows a symbolic link by default: it watches the tree the link named when it started, not the link.',
      'A flip renames a new link over `current`: the old tree does not change at all, so nothing it watches moves.',
    ],
    solution: {
      patch: `--- a/${NODEMON}
+++ b/${NODEMON}
@@ -3,5 +3,4 @@
   "ext": "*",
   "ignore": ["/srv/site/worktrees", "/srv/site/.repo"],
-  "watchOptions": { "followSymlinks": false, "depth": 0 },
   "signal": "SIGTERM",
   "delay": 0,
`,
      commands: [APPLY],
    },
    touches: [NODEMON],
    check: checkFollowSymlinks,
  },
];

export default exercises;
