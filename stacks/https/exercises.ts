// The https lesson's exercises, as the learner reads them: text, hints, solution and reset of each, and its check
// (scripts/lib/exercise/types.ts). The checks are in exercise-checks.ts; the commands and helpers both use, in
// exercise-support.ts. `npm run gen` writes the README's Exercises section from this list;
// scripts/lib/test/exercises.docker.test.ts proves each one: its check fails on the untouched stack, passes once the
// solution is applied, and fails again after --reset, which leaves git status clean.
import { attachTopz, removeRuns } from '../../scripts/lib/exercise/runs.js';
import type { Exercise } from '../../scripts/lib/exercise/types.js';
import { checkHttps, checkNaiveNetwork, checkRotated, checkSingleFiles, checkTcpMode } from './exercise-checks.js';
import { APPLY, MOUNT, NAIVE, naive } from './exercise-support.js';

const exercises: Exercise[] = [
  {
    title: 'HTTPS from your shell.',
    text: `Bring the stack up, set its addresses in your shell, and ask the app for \`/exercise-1\` over HTTPS, verifying
the certificate against the run's CA. Find \`x-forwarded-proto\` in the answer: the app never saw TLS. Then send
plain HTTP to the same port, and read what the sidecar answers.

\`\`\`sh
npm run stack:https -- up
eval "$(npm run -s stack:https -- urls --env)"
curl --cacert "$CA" "\${HTTPS}exercise-1"
curl "http://\${HTTPS#https://}"
\`\`\``,
    hints: [
      '`npm run stack:https -- urls --env` prints export lines; eval runs them in your shell, so $HTTPS and $CA are set.',
      'The path counts: the check looks for a request to /exercise-1 in the sidecar’s access log.',
      'curl --cacert "$CA" trusts the run’s own CA: no -k, and verification stays on.',
    ],
    solution: { commands: ['curl -sS --cacert "$CA" "${HTTPS}exercise-1"'] },
    recreate: ['tls-proxy'],
    check: checkHttps,
  },
  {
    title: 'Rotate the certificate while it serves.',
    text: `Issue a new server certificate for \`localhost\` and \`127.0.0.1\` from the run's CA (\`$CA\`; its key is
\`ca.key\` beside it), and rename the new \`tls.crt\` and \`tls.key\` into the directory the sidecar mounts (that of
\`$CERT\`). Watch \`certificate_info\` before and after: the serial changes, and nothing restarts.

\`\`\`sh
curl -s "$METRICS" | grep certificate_info
\`\`\``,
    hints: [
      '`openssl req -new` makes a key and a signing request; `openssl x509 -req -CA "$CA" -CAkey ...` signs it.',
      'The certificate must name 127.0.0.1 in its subjectAltName, or a client that connects by address refuses it.',
      'Write the new files beside the certs directory (the same file system), then mv them in: a rename is atomic, a copy is not.',
    ],
    solution: {
      commands: [
        'd="$(dirname "$CERT")"; n="$(dirname "$d")/new"; mkdir -p "$n"',
        'openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$n/tls.key" -out "$n/tls.csr" -subj /CN=localhost',
        'printf \'subjectAltName=DNS:localhost,IP:127.0.0.1\\n\' > "$n/ext.cnf"',
        'openssl x509 -req -in "$n/tls.csr" -CA "$CA" -CAkey "${CA%.crt}.key" -days 2 -extfile "$n/ext.cnf" -out "$n/tls.crt"',
        'chmod 644 "$n/tls.key" "$n/tls.crt" && mv "$n/tls.crt" "$n/tls.key" "$d/"',
      ],
    },
    recreate: ['tls-proxy'],
    check: checkRotated,
  },
  {
    title: 'Break it: mount single files.',
    text: `Change \`compose.yaml\` so that the sidecar mounts \`tls.crt\` and \`tls.key\` as two single files instead of
the directory, apply it to the run, and rotate as in exercise 2. The sidecar never notices: a bind-mounted file keeps
the inode it was given, and a rename makes a new one. That is why we share directories.

\`\`\`sh
${APPLY}
\`\`\``,
    hints: [
      'A volume line is HOST:CONTAINER:ro; give one line for $CERT_DIR/tls.crt and one for $CERT_DIR/tls.key.',
      `After editing compose.yaml, \`${APPLY}\` re-creates the sidecar from it.`,
      'The check rotates the certificate itself and watches the sidecar for 3 s.',
    ],
    solution: {
      patch: `--- a/stacks/https/compose.yaml
+++ b/stacks/https/compose.yaml
@@ -19,3 +19,4 @@
       # A directory, never a single file: a renamed-in certificate must show up inside.
-${MOUNT}:/etc/tls:ro
+${MOUNT}/tls.crt:/etc/tls/tls.crt:ro
+${MOUNT}/tls.key:/etc/tls/tls.key:ro
     environment:
`,
      commands: [APPLY],
    },
    touches: ['stacks/https/compose.yaml'],
    break: 'single-files',
    check: checkSingleFiles,
  },
  {
    title: 'The naive layout loses its network.',
    text: `Restart the stack's app: HTTPS is back in seconds, because the sidecar joined the pod, not the app. Then
bring up the naive layout (\`compose.naive.yaml\`: the sidecar joins the app's network namespace), restart its app,
and compare the network namespace of its app and of its sidecar. Why is HTTPS through it dead now?

\`\`\`sh
npm run stack:https -- restart app
npm run stack:https -- up --file ${NAIVE}
npm run stack:https -- restart --file ${NAIVE} --no-deps app
npm run stack:https -- exec --file ${NAIVE} app readlink /proc/self/ns/net
npm run stack:https -- exec --file ${NAIVE} tls-proxy bun -e "console.log(require('fs').readlinkSync('/proc/self/ns/net'))"
\`\`\``,
    hints: [
      `\`up --file ${NAIVE}\` starts the naive layout as a run of its own, with the image version set; --file finds it again.`,
      'Restarting the app gives it a new network namespace; whoever joined the old one stays there. --no-deps keeps Compose from restarting the sidecar with it, as a crash or docker restart would not.',
      'The sidecar image has no readlink: its own runtime, bun, reads the link.',
    ],
    solution: { commands: [`npm run stack:https -- up --file ${NAIVE}`, `npm run stack:https -- restart --file ${NAIVE} --no-deps app`] },
    startsRun: true,
    restore: removeRuns('https', naive),
    check: checkNaiveNetwork,
  },
  {
    title: 'Layer 4: who adds X-Forwarded-Proto?',
    text: `Switch the sidecar to \`TLS_PROXY_MODE: tcp\` in \`compose.yaml\`, apply it, and send the request of
exercise 1 again. Which header is gone, and which check of this lesson would fail now? (Who adds
\`X-Forwarded-Proto\` when the proxy only relays bytes?)`,
    hints: [
      'TLS_PROXY_MODE goes under the tls-proxy service’s environment.',
      `\`${APPLY}\` re-creates the sidecar with it.`,
      'Compare the headers the app echoes in both modes.',
    ],
    solution: {
      patch: `--- a/stacks/https/compose.yaml
+++ b/stacks/https/compose.yaml
@@ -22,2 +22,3 @@
       TLS_PROXY_UPSTREAM_PORT: "8080"
+      TLS_PROXY_MODE: tcp
       TLS_PROXY_ACCESS_LOG: "true"           # one JSON line per request: the lab's Logs view shows it
`,
      commands: [APPLY],
    },
    touches: ['stacks/https/compose.yaml'],
    break: 'tcp-mode',
    check: checkTcpMode,
  },
  attachTopz('https', {
    title: 'Attach a sidecar without editing the file.',
    processes: "the app, the TLS sidecar, topz itself, and the pod's PID 1",
    beside: 'the app and the TLS sidecar',
  }),
];

export default exercises;
