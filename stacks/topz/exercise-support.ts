// What the topz lesson's exercises (exercises.ts) share: the commands their texts and solutions give, and what
// their checks read: the https run with topz attached (where `up --with topz` placed topz, its token, its own
// counters, the processes it lists) and this lesson's topz beside topz-peek.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { $ } from 'zx';
import { ROOT } from '../../scripts/lib/config.js';
import * as docker from '../../scripts/lib/docker.js';
import type { OtherRun } from '../../scripts/lib/exercise/types.js';
import { removeRuns } from '../../scripts/lib/exercise/runs.js';
import { upStack } from '../../scripts/lib/lifecycle.js';
import { readRun, type RunRecord } from '../../scripts/lib/run-state.js';
import { readSecret } from '../../scripts/lib/secret.js';
import type { StackContext } from '../../scripts/lib/stack-types.js';
import { parseMetrics } from '../../sidecars/lib/metrics.js';
import type { ProcessView, Snapshot } from '../../sidecars/topz/src/schema.js';
import { fetchSnapshot } from './oracle.js';
import { PEEK_PORT, peek, probe } from './support.js';

/** The run exercises 1-4 work on: the https stack, its compose file untouched, with topz attached. */
export const HTTPS_WITH_TOPZ: OtherRun = { stack: 'https', with: ['topz'] };
export const UP = 'npm run stack:https -- up --with topz';
export const DOWN = 'npm run stack:https -- down';
export const URLS = 'eval "$(npm run -s stack:https -- urls --env)"';
/** The attached topz's process list, asked with its token (`urls` of the run names its file). */
export const ASK = 'curl -s -H "Authorization: Bearer $(cat "$TOPZ_TOKEN")" "${TOPZ}api/processes"';
export const APPLY = 'npm run stack:topz -- apply';
export const HTTPS_COMPOSE = 'stacks/https/compose.yaml';
export const ATTACH_JSON = 'sidecars/topz/attach.json';
/** Requests exercise 3 sends the TLS sidecar, and the CPU % its history in topz must reach (idle: about 0.5). */
export const LOAD_N = 100;
export const PEAK = 1;
/** Those requests, on one connection: curl makes ${LOAD_N} URLs of `[1-${LOAD_N}]`. */
export const LOAD = `curl -s --cacert "$CA" "\${HTTPS}?n=[1-${LOAD_N}]" > /dev/null`;

/** The port topz asks for (sidecars/topz/attach.json), and how far its CPU history reaches back: 30 samples
 * (--history-length), one every 2 s (--sample-interval), topz's defaults. */
export const TOPZ_HTTP = 9700;
export const HISTORY_S = 60;

/** An image's uid (images/uids.yaml): each image runs as its own. */
export const uidOf = (image: string): number =>
  (YAML.parse(readFileSync(join(ROOT, 'images', 'uids.yaml'), 'utf8')) as { images: Record<string, number> }).images[image]!;

/** Sum of a metric's samples whose labels include every one of `labels` (e.g. 'status="401"'). */
export function sum(m: Map<string, number>, name: string, ...labels: string[]): number {
  let s = 0;
  for (const [k, v] of m) if ((k === name || k.startsWith(`${name}{`)) && labels.every((l) => k.includes(l))) s += v;
  return s;
}

/** The attached topz of a run: its container, where `up --with topz` placed it (run.json), and its token. */
export async function attachedTopz(ctx: StackContext) {
  const rec: RunRecord = readRun(ctx.project.name);
  const at = rec.attached?.topz;
  if (!at?.secret) throw new Error(`${rec.project} has no topz attached`);
  const id = await ctx.project.id('topz');
  const port = Number((await docker.env(id)).TOPZ_LISTEN_PORT);
  return { id, port, token: readSecret(at.secret), base: `http://${await ctx.project.port('pod', port)}` };
}

/** The process list of a run's attached topz, asked with its token. */
export async function attachedList(ctx: StackContext): Promise<Snapshot> {
  const t = await attachedTopz(ctx);
  return fetchSnapshot(t.base, t.token);
}

/** topz's own counters, from its admin port on the pod's loopback (read with the Bun of its image). */
export async function topzCounters(ctx: StackContext): Promise<Map<string, number>> {
  const read = 'const r = await fetch(`http://127.0.0.1:${process.env.TOPZ_ADMIN_PORT}/metrics`); console.log(await r.text())';
  return parseMetrics(await docker.exec(await ctx.project.id('topz'), ['bun', '-e', read]));
}

/** The first started of the listed processes of an image's uid named `name`: its main process, not a health
 * probe the engine runs beside it. */
export const mainOf = (snap: Snapshot, name: string, uid: number): ProcessView | undefined =>
  snap.processes.filter((p) => p.name === name && p.uid === uid).sort((a, b) => a.startTime.localeCompare(b.startTime))[0];

/** Requests the TLS sidecar of a run has logged in the last `seconds` (its access log, one JSON line each). */
export async function requestsSince(ctx: StackContext, seconds: number): Promise<number> {
  const out = await $`docker logs --since ${`${seconds}s`} ${await ctx.project.id('tls-proxy')}`.quiet();
  return `${out.stdout}\n${out.stderr}`.split('\n').filter((l) => l.includes('"msg":"request"')).length;
}

/** --reset of an exercise that started https again: its runs with topz go, and one comes up as `up --with topz`
 * starts it, from the files as they are again. */
export async function startAgain(): Promise<void> {
  await removeRuns('https', (r) => Boolean(r.attached?.topz))();
  await upStack('https', { with: ['topz'] });
}

/** topz-peek (compose.peek.yaml: every option on, the app's uid), started in this lesson's pod as check 3 starts it:
 * its process list, read from inside the pod (it serves the pod loopback only). Taken down after. */
export async function peekList(ctx: StackContext): Promise<Snapshot> {
  try {
    await peek(ctx);
    return JSON.parse(await probe(ctx, 'in-pod', `curl -sS http://127.0.0.1:${PEEK_PORT}/api/processes`)) as Snapshot;
  } finally {
    await ctx.endSideProjects();
  }
}
