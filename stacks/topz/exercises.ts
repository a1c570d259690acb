// The topz lesson's exercises: text, check, hints, solution and reset of each (scripts/lib/exercise/types.ts).
// `npm run gen` writes the README's Exercises section from this list; scripts/lib/test/exercises.docker.test.ts
// proves each one: its check fails on the untouched stack, passes once the solution is applied, and fails again
// after --reset, which leaves git status clean. Exercises 1-4 work on the https stack with topz attached (their
// `run`: the proof brings it up beside this lesson's stack); exercise 5 on this lesson's own topz.
import { type Exercise, fileEdit } from '../../scripts/lib/exercise/types.js';
import { askedWithToken, cmdlinesShown, cpuMoved, environRefused, movedPastThePod } from './exercise-checks.js';
import {
  APPLY,
  ASK,
  ATTACH_JSON,
  DOWN,
  HISTORY_S,
  HTTPS_COMPOSE,
  HTTPS_WITH_TOPZ,
  LOAD,
  LOAD_N,
  PEAK,
  startAgain,
  TOPZ_HTTP,
  UP,
  URLS,
} from './exercise-support.js';

const exercises: Exercise[] = [
  {
    title: 'Find the TLS sidecar in topz’s table.',
    run: HTTPS_WITH_TOPZ,
    text: `Start the https stack with topz attached to its pod (its compose file stays as it is), and set its
addresses in your shell: \`urls\` prints the attached topz's address (\`$TOPZ\`) and its token file
(\`$TOPZ_TOKEN\`) too. Ask topz for its process list without the token, then with it. Which process is the TLS
sidecar, which is the legacy app, and what is PID 1? The last line prints the page's address with the token in
its fragment: open it in a browser.

\`\`\`sh
${UP}
${URLS}
curl -s -i "\${TOPZ}api/processes"
${ASK}
echo "\${TOPZ}#token=$(cat "$TOPZ_TOKEN")"
\`\`\``,
    hints: [
      'The TLS sidecar is a Bun program that runs as its own uid, 10009 (images/uids.yaml); the app is the greeter, in Python.',
      'topz listens on the pod’s network, not only its loopback, so it wants `Authorization: Bearer` and the token in $TOPZ_TOKEN: without it, 401.',
      'The check reads topz’s own counters (its admin port): a request for /api/processes refused without the token (401), and one answered with it (200).',
    ],
    solution: { commands: ['curl -s -o /dev/null "${TOPZ}api/processes"', `${ASK} > /dev/null`] },
    recreate: ['topz'],
    check: askedWithToken,
  },
  {
    title: 'Read the override, then take topz’s port.',
    run: HTTPS_WITH_TOPZ,
    text: `\`--with topz\` wrote a compose override into the run's directory (\`$OVERRIDE\`). Read it and find the three
things it adds: a \`topz\` service in the pod's network and PID namespaces, topz's port published on the pod, and
what every pod member now waits for. Now say a member of the https pod already served ${TOPZ_HTTP}, the port topz asks
for: publish it on the pod in \`${HTTPS_COMPOSE}\` (one more line under the pod's \`ports\`:
\`- "127.0.0.1::${TOPZ_HTTP}"\`), start https again with topz, and read the new override. Where does topz listen now,
and what did topz need changed for it?

\`\`\`sh
cat "$OVERRIDE"
${DOWN}
${UP}
${URLS}
cat "$OVERRIDE"
\`\`\``,
    hints: [
      'The override is written at `up`, from the stack’s files as they are then: `apply` applies the files a run started with, and does not write it again.',
      '`--with` reads the ports the pod publishes, and moves all of the sidecar’s ports up together, in steps of 10, past them (freePorts in scripts/lib/attach.ts).',
      `The check wants the pod to publish ${TOPZ_HTTP} from https's compose.yaml, and the attached topz to listen on another port and answer there with its token.`,
    ],
    ...fileEdit(
      HTTPS_COMPOSE,
      `@@ -9,2 +9,3 @@
       - "127.0.0.1:\${ADMIN_PORT:-}:9901"   # the sidecar's /healthz, /readyz, /metrics
+      - "127.0.0.1::${TOPZ_HTTP}"                  # a member's own port: the one topz asks for
 
`,
      [DOWN, UP],
    ),
    restore: startAgain,
    check: movedPastThePod,
  },
  {
    title: 'Watch the TLS sidecar’s CPU move.',
    run: HTTPS_WITH_TOPZ,
    text: `Open topz's page (exercise 1) and sort it by CPU. Send the https stack ${LOAD_N} requests (curl makes ${LOAD_N} URLs
of \`[1-${LOAD_N}]\`, and sends them on one connection), and watch the TLS sidecar's CPU history move while they run.
topz computes a process's CPU % between two scans, one every 2 s, and keeps the last 30: a minute. Whose CPU
moves most: the sidecar's (TLS), or the app's (the answers)?

\`\`\`sh
${URLS}
${LOAD}
${ASK}
\`\`\``,
    hints: [
      'The sidecar is the bun process of uid 10009; `cpuHistory` holds one sample per scan, oldest first.',
      `Requests sent more than a minute ago have left the history: send them again, and look within ${HISTORY_S} s.`,
      `The check wants ${LOAD_N} requests in the sidecar's access log of the last ${HISTORY_S} s, and its CPU history in topz reaching ${PEAK}% or more.`,
    ],
    solution: { commands: [LOAD] },
    recreate: ['tls-proxy'],
    check: cpuMoved,
  },
  {
    title: 'The sidecar’s declaration decides.',
    run: HTTPS_WITH_TOPZ,
    text: `What the attached topz runs with is not in https's compose file: it is topz's own declaration,
\`${ATTACH_JSON}\`, which \`--with\` reads. Add \`"TOPZ_SHOW_CMDLINE": "true"\` to its \`env\`, start https again with
topz, and ask it: each process now has its command line, with secret-looking values redacted (the https app has
none; this lesson's app has one). Every stack topz joins from now on shows them, and https's compose.yaml never
changed.

\`\`\`sh
${DOWN}
${UP}
${URLS}
${ASK}
\`\`\``,
    hints: [
      '`env` in attach.json is topz’s environment in every pod it joins; `{{port.http}}` and the like are filled in at `up`.',
      'A run keeps the override it was started with: the edit shows in a run started after it.',
      'The check wants the attached topz started with TOPZ_SHOW_CMDLINE=true, and the TLS sidecar’s command line in its list.',
    ],
    ...fileEdit(
      ATTACH_JSON,
      `@@ -9,3 +9,4 @@
     "TOPZ_ADMIN_PORT": "{{port.admin}}",
-    "TOPZ_TOKEN_FILE": "{{dir.run}}/token"
+    "TOPZ_TOKEN_FILE": "{{dir.run}}/token",
+    "TOPZ_SHOW_CMDLINE": "true"
   },
`,
      [DOWN, UP],
    ),
    restore: startAgain,
    check: cmdlinesShown,
  },
  {
    title: 'The uid guards the environment, not the option.',
    text: `Turn \`--show-environ\` on for this lesson's own topz: \`TOPZ_SHOW_ENVIRON: "true"\` in its environment in
stacks/topz/compose.yaml, and apply it. Ask it: every process of the app has \`environ: null\`, and there is no
warning. The option asks; the kernel refuses topz (its own uid, no capabilities) every other container's
environment. topz-peek (\`compose.peek.yaml\`) has the same option and runs as the app's uid: the kernel lets it
read, and its self-check says so in its log, its metrics and every answer. The check starts topz-peek beside your
topz, as check 3 does, and quotes it. Why does redaction alone not make that safe?

\`\`\`sh
${APPLY}
eval "$(npm run -s stack:topz -- urls --env)"
curl -s -H "Authorization: Bearer $(cat "$TOKEN")" "$API"
npm run stack:topz -- logs topz
\`\`\``,
    hints: [
      'The variable goes under the topz service’s environment, beside TOPZ_TOKEN_FILE.',
      'Reading /proc/PID/environ takes the process’s own uid, or CAP_SYS_PTRACE: the published topz has neither.',
      'The check wants your topz started with TOPZ_SHOW_ENVIRON=true, environ null for every process of the app and no warning; then it starts topz-peek, for the contrast.',
    ],
    ...fileEdit(
      'stacks/topz/compose.yaml',
      `@@ -25,3 +25,4 @@
       TOPZ_LISTEN_ADDRESS: 0.0.0.0
       TOPZ_TOKEN_FILE: /run/topz/token
+      TOPZ_SHOW_ENVIRON: "true"
     depends_on:
`,
      [APPLY],
    ),
    check: environRefused,
  },
];

export default exercises;
