// The checks of the topz lesson's exercises (exercises.ts), each against the run its exercise works on: the https
// run with topz attached (1-4), or this lesson's own (5). Each says first whether the learner's step is in the
// run, and only then reads what it changed; none asks topz without its token, so exercise 1's 401s are the
// learner's own.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { podLayout } from '../../scripts/lib/attach.js';
import { ROOT } from '../../scripts/lib/config.js';
import * as docker from '../../scripts/lib/docker.js';
import { fail, pass, type Verdict } from '../../scripts/lib/exercise/types.js';
import type { StackContext } from '../../scripts/lib/stack-types.js';
import {
  APPLY,
  ATTACH_JSON,
  attachedList,
  attachedTopz,
  HISTORY_S,
  HTTPS_COMPOSE,
  LOAD_N,
  mainOf,
  PEAK,
  peekList,
  requestsSince,
  sum,
  TOPZ_HTTP,
  topzCounters,
  uidOf,
} from './exercise-support.js';
import { snapshot } from './support.js';

const times = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

/** 1: the attached topz refused a request for its list without the token, and answered one with it. */
export async function askedWithToken(ctx: StackContext): Promise<Verdict> {
  const m = await topzCounters(ctx);
  const [refused, answered] = ['401', '200'].map((s) => sum(m, 'topz_requests_total', 'route="/api/processes"', `status="${s}"`));
  if (!answered && !refused)
    return fail('the attached topz has had no request for its process list: ask it without its token, then with it');
  if (!refused)
    return fail(`topz answered ${times(answered!, 'request')} with its token, and refused none: ask once without it too, and read the 401`);
  if (!answered) return fail(`topz refused ${times(refused, 'request')} without its token (401): now ask with it, from $TOPZ_TOKEN`);
  const snap = await attachedList(ctx);
  const tls = mainOf(snap, 'bun', uidOf('tls-proxy'));
  const app = mainOf(snap, 'python3', uidOf('legacy-greeter'));
  return pass(
    `topz refused ${times(refused, 'request')} without its token and answered ${answered} with it: the TLS sidecar is PID ${tls?.pid} (bun, uid ${tls?.uid}), the app PID ${app?.pid} (python3, uid ${app?.uid}), and PID 1 is the pod's ${snap.processes.find((p) => p.pid === 1)?.name}`,
  );
}

/** 2: the pod publishes 9700 from https's compose file, and `--with topz` placed topz past it. */
export async function movedPastThePod(ctx: StackContext): Promise<Verdict> {
  const t = await attachedTopz(ctx);
  const inFile = podLayout([readFileSync(join(ROOT, HTTPS_COMPOSE), 'utf8')]).podPorts.has(TOPZ_HTTP);
  if (t.port === TOPZ_HTTP && !inFile)
    return fail(
      `topz listens on ${TOPZ_HTTP}, the port it asks for: no port of the pod was in its way; publish ${TOPZ_HTTP} on the pod in ${HTTPS_COMPOSE}, then start https again with topz`,
    );
  if (t.port === TOPZ_HTTP)
    return fail(
      `${HTTPS_COMPOSE} publishes ${TOPZ_HTTP} on the pod, but this run's topz still listens on ${TOPZ_HTTP}: its override was written at up, so start https again with topz`,
    );
  const taken = await ctx.project.port('pod', TOPZ_HTTP).catch(() => undefined);
  if (!taken)
    return fail(`topz listens on ${t.port}, but the pod publishes no ${TOPZ_HTTP}: was the run started from the edited compose.yaml?`);
  const snap = await attachedList(ctx);
  return pass(
    `the pod already publishes ${TOPZ_HTTP} (at ${taken}), so --with topz moved topz up by ${t.port - TOPZ_HTTP} to ${t.port}, published at ${t.base.slice('http://'.length)}, where it lists the pod's ${snap.processes.length} processes: topz needed nothing changed`,
  );
}

/** 3: the TLS sidecar served the load within topz's CPU history, and its history moved. */
export async function cpuMoved(ctx: StackContext): Promise<Verdict> {
  const n = await requestsSince(ctx, HISTORY_S);
  if (n < LOAD_N)
    return fail(
      `the TLS sidecar served ${times(n, 'request')} in the last ${HISTORY_S} s, the span of topz's CPU history: send it ${LOAD_N} and watch`,
    );
  const snap = await attachedList(ctx);
  const tls = mainOf(snap, 'bun', uidOf('tls-proxy'));
  if (!tls) return fail(`topz lists no bun process of uid ${uidOf('tls-proxy')}: is the TLS sidecar running?`);
  const peak = Math.max(0, ...tls.cpuHistory);
  if (peak < PEAK)
    return fail(`the sidecar served ${n} requests in the last ${HISTORY_S} s, but topz's history of its process peaks at ${peak}%`);
  const app = mainOf(snap, 'python3', uidOf('legacy-greeter'));
  return pass(
    `the TLS sidecar (PID ${tls.pid}) served ${n} requests in the last ${HISTORY_S} s, and its CPU history in topz peaked at ${peak}% (lowest ${Math.min(...tls.cpuHistory)}%); the app's peaked at ${Math.max(0, ...(app?.cpuHistory ?? []))}%`,
  );
}

/** 4: the attached topz runs with command lines shown, from attach.json alone. */
export async function cmdlinesShown(ctx: StackContext): Promise<Verdict> {
  const shown = (await docker.env(await ctx.project.id('topz'))).TOPZ_SHOW_CMDLINE;
  if (shown !== 'true')
    return fail(
      `the attached topz hides command lines (TOPZ_SHOW_CMDLINE=${shown ?? 'unset'}): add it to the env of ${ATTACH_JSON}, then start https again with topz`,
    );
  const snap = await attachedList(ctx);
  const tls = mainOf(snap, 'bun', uidOf('tls-proxy'));
  if (!tls?.cmdline?.length) return fail('topz was started with TOPZ_SHOW_CMDLINE=true, but lists no command line for the TLS sidecar');
  const app = mainOf(snap, 'python3', uidOf('legacy-greeter'));
  return pass(
    `the attached topz shows command lines, from ${ATTACH_JSON} alone: the TLS sidecar runs \`${tls.cmdline.join(' ')}\`, the app \`${app?.cmdline?.join(' ')}\``,
  );
}

/** 5: this lesson's topz asks for environments and gets none, while topz-peek, as the app's uid, reads them and warns. */
export async function environRefused(ctx: StackContext): Promise<Verdict> {
  const shown = (await docker.env(await ctx.project.id('topz'))).TOPZ_SHOW_ENVIRON;
  if (shown !== 'true')
    return fail(
      `your topz hides environments (TOPZ_SHOW_ENVIRON=${shown ?? 'unset'}): set it to "true" in stacks/topz/compose.yaml, then ${APPLY}`,
    );
  const mine = await snapshot(ctx);
  const app = mine.processes.filter((p) => p.uid === uidOf('legacy-workers'));
  const read = app.filter((p) => p.environ !== null);
  if (!app.length || read.length)
    return fail(`your topz read the environment of ${read.map((p) => `${p.pid} ${p.name}`).join(', ') || 'no app process at all'}`);
  if (mine.warnings.length) return fail(`your topz warns: ${mine.warnings[0]}`);
  const peek = await peekList(ctx);
  const sup = peek.processes.find((p) => p.name === 'supervisor');
  return pass(
    `your topz shows environ: null for the app's ${app.length} processes and no warning: the kernel refuses it; topz-peek (the app's uid) reads them, and says "${peek.warnings[0]}", serving WORKERS=${sup?.environ?.WORKERS} beside APP_API_TOKEN=${sup?.environ?.APP_API_TOKEN}`,
  );
}
