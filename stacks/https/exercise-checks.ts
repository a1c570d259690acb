// The checks of the https lesson's exercises (exercises.ts), one function each, run against the learner's run (the
// helpers of exercise-support.ts). Exercise 6's check is attachTopz's (scripts/lib/exercise/runs.ts).
import { issueServerCert } from '../../scripts/lib/certs.js';
import { eventually, throughout } from '../../scripts/lib/check.js';
import { runsUp } from '../../scripts/lib/exercise/runs.js';
import { fail, pass, type Verdict } from '../../scripts/lib/exercise/types.js';
import { projectOf } from '../../scripts/lib/run-state.js';
import type { StackContext } from '../../scripts/lib/stack-types.js';
import { namespacesOf } from './checks-pod.js';
import { APPLY, NAIVE, naive, serials, sidecarConfig, sidecarLog } from './exercise-support.js';
import { caFiles, certDir, get } from './support.js';

/** Exercise 1: the sidecar logged a request for /exercise-1, served over TLS. */
export async function checkHttps(ctx: StackContext): Promise<Verdict> {
  const served = (await sidecarLog(ctx)).find((l) => l.msg === 'request' && l.path === '/exercise-1');
  if (!served) return fail('the sidecar has logged no request for /exercise-1 yet: send one with curl --cacert "$CA" "${HTTPS}exercise-1"');
  return pass(`the sidecar served GET /exercise-1 over TLS (status ${served.status}) and passed it to the app as plain HTTP`);
}

/** Exercise 2: the sidecar serves the serial of tls.crt on disk, not the one it started with. */
export async function checkRotated(ctx: StackContext): Promise<Verdict> {
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
}

/** Exercise 3: the sidecar mounts tls.crt and tls.key singly, and a rotation by rename goes unseen for 3 s. */
export async function checkSingleFiles(ctx: StackContext): Promise<Verdict> {
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
}

/** Exercise 4: a naive layout is up, and its restarted app no longer shares its sidecar's network namespace. */
export async function checkNaiveNetwork(): Promise<Verdict> {
  const [run] = await runsUp('https', naive);
  if (!run) return fail(`no naive layout is up: npm run stack:https -- up --file ${NAIVE}`);
  const p = projectOf(run);
  const [app, side] = await Promise.all([p.id('app').then(namespacesOf), p.id('tls-proxy').then(namespacesOf)]);
  const [appNet, sideNet] = [app.split('\n')[0], side.split('\n')[0]];
  if (appNet === sideNet) return fail(`the naive app and its sidecar still share ${appNet}: restart the naive app`);
  return pass(`the naive sidecar is left in ${sideNet}, the app's old namespace, while the restarted app is in ${appNet}`);
}

/** Exercise 5: the sidecar runs in tcp mode, and the app receives no x-forwarded-proto. */
export async function checkTcpMode(ctx: StackContext): Promise<Verdict> {
  const { env } = await sidecarConfig(ctx);
  if (!env.includes('TLS_PROXY_MODE=tcp'))
    return fail(`the sidecar runs in http mode: set TLS_PROXY_MODE: tcp in its environment in compose.yaml, then ${APPLY}`);
  const headers = (JSON.parse((await get(ctx, '/exercise-5')).body) as { headers: Record<string, string> }).headers;
  if ('x-forwarded-proto' in headers) return fail('the app still receives x-forwarded-proto: is the sidecar really relaying bytes?');
  return pass('in tcp mode the app receives no x-forwarded-proto: check 1 would fail, since a layer-4 proxy adds no header');
}
