// The room check's smoke: the https stack through the runner's own lifecycle (a pod, the TLS sidecar and the
// greeter, from the images that are there; nothing is built), and one HTTPS request, verified against the
// run's CA, that the greeter answers. Bounded to 30 s, then the teardown, which always runs (Ctrl-C too).
import { readFileSync } from 'node:fs';
import { downStack, upStack } from '../lifecycle.js';
import { teardownOnce } from '../teardown.js';
import { httpsGet } from '../tls-client.js';
import { type Finding, SMOKE } from './finding.js';

/** Runs the smoke; `during` runs while the stack is up, with its project name. */
export type Smoke = (during: (project: string) => Promise<void>) => Promise<Finding>;

const SMOKE_MS = 30_000;

/** Rejects when `ms` have passed before `work` settles; the timer goes with it. */
async function bounded<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not done within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

export const httpsSmoke: Smoke = async (during) => {
  const t0 = Date.now();
  let up: ReturnType<typeof upStack> | undefined;
  // upStack removes what it started when it fails; a run it finished is removed here.
  const finish = teardownOnce(async () => {
    const run = await up?.catch(() => undefined);
    if (run) await downStack('https', run.project).catch((e: Error) => console.log(`teardown of ${run.project} failed: ${e.message}`));
  });
  try {
    const body = await bounded(
      SMOKE_MS,
      (async () => {
        up = upStack('https', { build: false, waitS: SMOKE_MS / 1000 - 5 });
        const run = await up;
        const [https, ca] = [run.urls.https, run.files?.ca];
        if (!https || !ca) throw new Error('the https stack described no https URL or CA file');
        const url = new URL('/hello', https);
        const r = await httpsGet(url.href, { ca: readFileSync(ca), timeoutMs: 5000 });
        if (r.status !== 200) throw new Error(`GET ${url.pathname} answered ${r.status}`);
        const app = (JSON.parse(r.body) as { app?: string }).app;
        if (app !== 'legacy-greeter') throw new Error(`the answer came from ${app ?? 'no app'}, not the greeter`);
        await during(run.project);
        return app;
      })(),
    );
    return {
      ok: true,
      what: SMOKE,
      detail: `${body} answered over verified HTTPS, ${((Date.now() - t0) / 1000).toFixed(1)} s after the start`,
    };
  } catch (e) {
    return { ok: false, what: SMOKE, detail: (e as Error).message.split('\n')[0] ?? '' };
  } finally {
    await finish();
  }
};
