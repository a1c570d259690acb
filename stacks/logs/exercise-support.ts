// What the logs lesson's exercises (exercises.ts) and their checks (exercise-checks.ts) share: the commands their
// texts and solutions give, and what the checks read of the learner's run: a sidecar's environment, logs and
// registry, and whether a line written now reaches the store.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { $ } from 'zx';
import { ROOT } from '../../scripts/lib/config.js';
import * as docker from '../../scripts/lib/docker.js';
import { fileEdit } from '../../scripts/lib/exercise/types.js';
import type { StackContext } from '../../scripts/lib/stack-types.js';
import { delivered, endpoints, LOG, write } from './support.js';

export const STACK = 'npm run stack:logs --';
export const APPLY = `${STACK} apply`;
export const BREAK_APPLY = `UNSAFE_COMMIT_ON_READ=true ${APPLY}`;
const COMPOSE = 'stacks/logs/compose.yaml';
export const RECEIVER = 'images/rsyslog/receiver.conf';
/** What makes rsyslog's insert keep one row per id, with the table's unique key. */
export const CONFLICT = ' ON CONFLICT (id) DO NOTHING';
export const KEY = 'logs_id_key';
export const PSQL = `${STACK} exec postgres psql -U postgres -d logs -c`;
export const DROP_KEY = `${PSQL} 'ALTER TABLE logs DROP CONSTRAINT ${KEY}'`;
/** Where each sidecar keeps its registry: the shared directory, as the app sees it too. */
export const REGISTRY = '/var/log/app/.log-shipper-registry.json';
/** Lines a check writes to show a loss or a duplicate: enough to count, few enough for a small laptop. */
export const LINES = 200;

/** The environment a service's container was started with (its image's defaults included). */
export const envOf = async (ctx: StackContext, service: string) => docker.env(await ctx.project.id(service));

/** A container's logs (stdout and stderr) since it was created, across its restarts. */
export async function logsOf(ctx: StackContext, service: string): Promise<string> {
  const out = await $`docker logs ${await ctx.project.id(service)}`.quiet();
  return `${out.stdout}\n${out.stderr}`;
}

/** The message of a sidecar's last JSON log line whose msg starts with `start`, with its fields. */
export async function lastLine(ctx: StackContext, service: string, start: string): Promise<string | undefined> {
  const line = (await logsOf(ctx, service))
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => String(l.msg).startsWith(start))
    .at(-1);
  if (!line) return undefined;
  const { msg, file, lostAfter } = line;
  return `“${msg}” (file ${file}${lostAfter === undefined ? '' : `, lostAfter ${lostAfter}`})`;
}

/** Writes one line and waits until the store has it: the sidecar is delivering, and knows the file. */
export async function oneDelivered(ctx: StackContext, pod: 'file' | 'stdout'): Promise<boolean> {
  const r = await write((await endpoints(ctx.project)).app[pod], 1);
  return (await delivered(ctx.project, pod, r.from, r.to)).lost === 0;
}

/** Where shipper-file's registry says app.log is done, and app.log's size: the entry of app.log's inode seen last. */
export async function registered(ctx: StackContext): Promise<{ offset: number; size: number }> {
  const out = await docker.exec(await ctx.project.id('app-file'), ['sh', '-c', `stat -c '%s %i' ${LOG} && cat ${REGISTRY}`]);
  const [head = '', ...json] = out.split('\n');
  const [size, ino] = head.split(' ').map(Number);
  const files = Object.values(
    (JSON.parse(json.join('\n')) as { files: Record<string, { offset: number; ino: number; seen: number }> }).files,
  );
  const entry = files.filter((e) => e.ino === ino).sort((a, b) => b.seen - a.seen)[0];
  return { offset: entry?.offset ?? 0, size: size ?? 0 };
}

/** A file-name glob of --include as a regular expression (*, ?, [..], {a,b}). */
export const globRegExp = (glob: string) =>
  new RegExp(
    `^${glob
      .replace(/[.+^$()|\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')
      .replace(/\{([^}]*)\}/g, (_, alts: string) => `(${alts.split(',').join('|')})`)}$`,
  );

/** The solution of an exercise that edits compose.yaml: the diff's hunks, then the commands `then`. */
export const composeEdit = (hunks: string, ...then: string[]) => fileEdit(COMPOSE, hunks, then);

/** receiver.conf's insert without ON CONFLICT: a diff made from the file's own line (the one that inserts into logs),
 * with a line of context each side. Made when the file is already edited too (the diff then no longer applies). */
export function receiverPatch(): string {
  const lines = readFileSync(join(ROOT, RECEIVER), 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes('INSERT INTO logs'));
  const line = lines[i] ?? '';
  const old = line.includes(CONFLICT) ? line : line.replace(/"\)$/, `${CONFLICT}")`);
  return `--- a/${RECEIVER}\n+++ b/${RECEIVER}\n@@ -${i},3 +${i},3 @@\n ${lines[i - 1]}\n-${old}\n+${old.replace(CONFLICT, '')}\n ${lines[i + 1]}\n`;
}
