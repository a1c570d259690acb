// The https lesson's exercises: text, check, hints, solution and reset of each (scripts/lib/exercise/types.ts).
// `npm run gen` writes the README's Exercises section from this list; scripts/lib/test/exercises.docker.test.ts
// proves each one: its check fails on the untouched stack, passes once the solution is applied, and fails again
// after --reset, which leaves git status clean.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { $ } from 'zx';
import { issueServerCert } from '../../scripts/lib/certs.js';
import { eventually, throughout } from '../../scripts/lib/check.js';
import { type Exercise, fail, pass } from '../../scripts/lib/exercise/types.js';
import { attachTopz, removeRuns, runsUp } from '../../scripts/lib/exercise/runs.js';
import { projectOf, type RunRecord } from '../../scripts/lib/run-state.js';
import type { StackContext } from '../../scripts/lib/stack-types.js';
import { namespacesOf } from './checks-pod.js';
import { caFiles, certDir, get, metrics } from './support.js';

const NAIVE = 'compose.naive.yaml';
const APPLY = 'npm run stack:https -- apply';

/** The JSON lines the sidecar's current container has logged. */
async function sidecarLog(ctx: StackContext): Promise<Record<string, unknown>[]> {
  const out = await $`docker logs ${await ctx.project.id('tls-proxy')}`.quiet();
  return `${out.stdout}\n${out.stderr}`
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** The serial the sidecar serves now (its metrics), and the one in tls.crt on disk. */
async function serials(ctx: StackContext): Promise<{ served: string; onDisk: string }> {
  const info = [...(await metrics(ctx)).keys()].find((k) => k.startsWith('tls_proxy_certificate_info{')) ?? '';
  const served = /serial="([0-9A-F]+)"/.exec(info)?.[1] ?? 'none';
  return { served, onDisk: new X509Certificate(readFileSync(join(certDir(ctx), 'tls.crt'))).serialNumber.toUpperCase() };
}

/** How the sidecar's container is set up: its environment and where its mounts land. */
async function sidecarConfig(ctx: StackContext): Promise<{ env: string[]; mounts: string[] }> {
  const f = '{{json .Config.Env}}\t{{json .Mounts}}';
  const [env, mounts] = (await $`docker inspect --format ${f} ${await ctx.project.id('tls-proxy')}`.quiet()).stdout.trim().split('\t');
  return { env: JSON.parse(env!) as string[], mounts: (JSON.parse(mounts!) as { Destination: string }[]).map((m) => m.Destination) };
}

const naive = (r: RunRecord) => r.files.length === 1 && r.files[0] === NAIVE;

const MOUNT = '      - ${CERT_DIR:?set CERT_DIR to a directory holding tls.crt and tls.key}';

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
    async check(ctx) {
      const served = (await sidecarLog(ctx)).find((l) => l.msg === 'request' && l.path === '/exercise-1');
      if (!served)
        return fail('the sidecar has logged no request for /exercise-1 yet: send one with curl --cacert "$CA" "${HTTPS}exercise-1"');
      return pass(`the sidecar served GET /exercise-1 over TLS (status ${served.status}) and passed it to the app as plain HTTP`);
    },
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
    async check(ctx) {
      const started = (await sidecarLog(ctx)).filter((l) => l.msg === 'listening').at(-1)?.serial;
      // The sidecar looks at its files once a second: a rotation just made may take that long to be served.
      const { served, onDisk } = await eventually(
        async () => {
          const s = await serials(ctx);
          if (s.served !== s.onDisk) throw new Error('not yet served');
          return s;
        },
        { within: 3000, every: 250 },
      ).catch(() => serials(ctx));
      if (served === started)
        return fail(
          `the sidecar still serves the certificate it started with (serial ${served}): rename a new tls.crt and tls.key into its directory`,
        );
      if (served !== onDisk)
        return fail(
          `the sidecar serves serial ${served} but tls.crt on disk has ${onDisk}: the new pair did not load (see reloads_total{result="error"})`,
        );
      return pass(`the sidecar now serves serial ${served}, not ${started} it started with, and was never restarted`);
    },
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
    async check(ctx) {
      const { mounts } = await sidecarConfig(ctx);
      if (!mounts.includes('/etc/tls/tls.crt') || !mounts.includes('/etc/tls/tls.key'))
        return fail(`the sidecar mounts ${mounts.join(', ')}: mount tls.crt and tls.key as single files in compose.yaml, then ${APPLY}`);
      const before = (await serials(ctx)).served;
      const rotated = await issueServerCert(caFiles(ctx), certDir(ctx));
      const noticed = await throughout(
        async () => {
          const now = (await serials(ctx)).served;
          if (now !== before) throw new Error(`the sidecar picked up the rotation to ${now}: are both files mounted singly?`);
        },
        { window: 3000, every: 250 },
      ).then(
        () => undefined,
        (e: Error) => e.message,
      );
      if (noticed) return fail(noticed);
      return pass(
        `3 s after a rotation by rename to ${rotated}, the sidecar still serves ${before}: its single-file mounts never saw the new files`,
      );
    },
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
    restore: removeRuns('https', naive),
    async check() {
      const [run] = await runsUp('https', naive);
      if (!run) return fail(`no naive layout is up: npm run stack:https -- up --file ${NAIVE}`);
      const p = projectOf(run);
      const [app, side] = await Promise.all([p.id('app').then(namespacesOf), p.id('tls-proxy').then(namespacesOf)]);
      const [appNet, sideNet] = [app.split('\n')[0], side.split('\n')[0]];
      if (appNet === sideNet) return fail(`the naive app and its sidecar still share ${appNet}: restart the naive app`);
      return pass(`the naive sidecar is left in ${sideNet}, the app's old namespace, while the restarted app is in ${appNet}`);
    },
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
    async check(ctx) {
      const { env } = await sidecarConfig(ctx);
      if (!env.includes('TLS_PROXY_MODE=tcp'))
        return fail(`the sidecar runs in http mode: set TLS_PROXY_MODE: tcp in its environment in compose.yaml, then ${APPLY}`);
      const headers = (JSON.parse((await get(ctx, '/exercise-5')).body) as { headers: Record<string, string> }).headers;
      if ('x-forwarded-proto' in headers) return fail('the app still receives x-forwarded-proto: is the sidecar really relaying bytes?');
      return pass('in tcp mode the app receives no x-forwarded-proto: check 1 would fail, since a layer-4 proxy adds no header');
    },
  },
  attachTopz('https', {
    title: 'Attach a sidecar without editing the file.',
    processes: "the app, the TLS sidecar, topz itself, and the pod's PID 1",
    beside: 'the app and the TLS sidecar',
  }),
];

export default exercises;
