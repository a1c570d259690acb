// What the https lesson's exercises (exercises.ts) and their checks (exercise-checks.ts) share: the commands and
// lines their texts and solutions give, and what the checks read of the learner's run: the sidecar's log lines,
// the serial it serves beside the one on disk, and how its container is set up.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { $ } from 'zx';
import type { RunRecord } from '../../scripts/lib/run-state.js';
import type { StackContext } from '../../scripts/lib/stack-types.js';
import { certDir, metrics } from './support.js';

export const NAIVE = 'compose.naive.yaml';
export const APPLY = 'npm run stack:https -- apply';

/** The JSON lines the sidecar's current container has logged. */
export async function sidecarLog(ctx: StackContext): Promise<Record<string, unknown>[]> {
  const out = await $`docker logs ${await ctx.project.id('tls-proxy')}`.quiet();
  return `${out.stdout}\n${out.stderr}`
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** The serial the sidecar serves now (its metrics), and the one in tls.crt on disk. */
export async function serials(ctx: StackContext): Promise<{ served: string; onDisk: string }> {
  const info = [...(await metrics(ctx)).keys()].find((k) => k.startsWith('tls_proxy_certificate_info{')) ?? '';
  const served = /serial="([0-9A-F]+)"/.exec(info)?.[1] ?? 'none';
  return { served, onDisk: new X509Certificate(readFileSync(join(certDir(ctx), 'tls.crt'))).serialNumber.toUpperCase() };
}

/** How the sidecar's container is set up: its environment and where its mounts land. */
export async function sidecarConfig(ctx: StackContext): Promise<{ env: string[]; mounts: string[] }> {
  const f = '{{json .Config.Env}}\t{{json .Mounts}}';
  const [env, mounts] = (await $`docker inspect --format ${f} ${await ctx.project.id('tls-proxy')}`.quiet()).stdout.trim().split('\t');
  return { env: JSON.parse(env!) as string[], mounts: (JSON.parse(mounts!) as { Destination: string }[]).map((m) => m.Destination) };
}

/** Whether a run is the naive layout (compose.naive.yaml alone): exercise 4's. */
export const naive = (r: RunRecord) => r.files.length === 1 && r.files[0] === NAIVE;

/** compose.yaml's certificate mount line, up to its host directory: exercise 3's diff makes it two single-file mounts. */
export const MOUNT = '      - ${CERT_DIR:?set CERT_DIR to a directory holding tls.crt and tls.key}';
