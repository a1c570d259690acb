// The logs lesson's exercises: text, check, hints, solution and reset of each (scripts/lib/exercise/types.ts).
// `npm run gen` writes the README's Exercises section from this list; scripts/lib/test/exercises.docker.test.ts
// proves each one: its check fails on the untouched stack, passes once the solution is applied, and fails again
// after --reset, which leaves git status clean. The stack is heavy, so each check that shows a loss or a
// duplicate makes it happen in small (a few hundred lines), as checks 3 to 5 do in large.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { $ } from 'zx';
import * as chaos from '../../scripts/lib/chaos.js';
import { eventually, expect } from '../../scripts/lib/check.js';
import { ROOT } from '../../scripts/lib/config.js';
import * as docker from '../../scripts/lib/docker.js';
import { type Exercise, fail, fileEdit, pass } from '../../scripts/lib/exercise/types.js';
import type { StackContext } from '../../scripts/lib/stack-types.js';
import { delivered, endpoints, LOG, metricsOf, sql, sum, verify, write, written } from './support.js';

const STACK = 'npm run stack:logs --';
const APPLY = `${STACK} apply`;
const BREAK_APPLY = `UNSAFE_COMMIT_ON_READ=true ${APPLY}`;
const COMPOSE = 'stacks/logs/compose.yaml';
const RECEIVER = 'images/rsyslog/receiver.conf';
/** What makes rsyslog's insert keep one row per id, with the table's unique key. */
const CONFLICT = ' ON CONFLICT (id) DO NOTHING';
const KEY = 'logs_id_key';
const PSQL = `${STACK} exec postgres psql -U postgres -d logs -c`;
const DROP_KEY = `${PSQL} 'ALTER TABLE logs DROP CONSTRAINT ${KEY}'`;
/** Where each sidecar keeps its registry: the shared directory, as the app sees it too. */
const REGISTRY = '/var/log/app/.log-shipper-registry.json';
/** Lines a check writes to show a loss or a duplicate: enough to count, few enough for a small laptop. */
const LINES = 200;

/** The environment a service's container was started with (its image's defaults included). */
const envOf = async (ctx: StackContext, service: string) => docker.env(await ctx.project.id(service));

/** A container's logs (stdout and stderr) since it was created, across its restarts. */
async function logsOf(ctx: StackContext, service: string): Promise<string> {
  const out = await $`docker logs ${await ctx.project.id(service)}`.quiet();
  return `${out.stdout}\n${out.stderr}`;
}

/** The message of a sidecar's last JSON log line whose msg starts with `start`, with its fields. */
async function lastLine(ctx: StackContext, service: string, start: string): Promise<string | undefined> {
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
async function oneDelivered(ctx: StackContext, pod: 'file' | 'stdout'): Promise<boolean> {
  const r = await write((await endpoints(ctx.project)).app[pod], 1);
  return (await delivered(ctx.project, pod, r.from, r.to)).lost === 0;
}

/** Where shipper-file's registry says app.log is done, and app.log's size: the entry of app.log's inode seen last. */
async function registered(ctx: StackContext): Promise<{ offset: number; size: number }> {
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
const globRegExp = (glob: string) =>
  new RegExp(
    `^${glob
      .replace(/[.+^$()|\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')
      .replace(/\{([^}]*)\}/g, (_, alts: string) => `(${alts.split(',').join('|')})`)}$`,
  );

/** The solution of an exercise that edits compose.yaml: the diff's hunks, then the commands `then`. */
const composeEdit = (hunks: string, ...then: string[]) => fileEdit(COMPOSE, hunks, then);

/** receiver.conf's insert without ON CONFLICT: a diff made from the file's own line (the one that inserts into logs),
 * with a line of context each side. Made when the file is already edited too (the diff then no longer applies). */
function receiverPatch(): string {
  const lines = readFileSync(join(ROOT, RECEIVER), 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes('INSERT INTO logs'));
  const line = lines[i] ?? '';
  const old = line.includes(CONFLICT) ? line : line.replace(/"\)$/, `${CONFLICT}")`);
  return `--- a/${RECEIVER}\n+++ b/${RECEIVER}\n@@ -${i},3 +${i},3 @@\n ${lines[i - 1]}\n-${old}\n+${old.replace(CONFLICT, '')}\n ${lines[i + 1]}\n`;
}

const exercises: Exercise[] = [
  {
    title: 'Break it: advance the registry on read.',
    text: `Tell your running stack's sidecars to move their registry when a line is read, as Fluent Bit's tail input
does, instead of when rsyslog has acknowledged it. Then take the receiver away, have the file app write, kill the
sidecar, bring the receiver back and count what the store got. The lines the killed sidecar had read are \`lost\`:
its registry said they were done, and nothing else held them. Check 5 does this with 6000 lines (1735 lost in our
run); the exercise's check does it with ${LINES}.

\`\`\`sh
${BREAK_APPLY}
eval "$(npm run -s stack:logs -- urls --env)"
${STACK} stop rsyslog
curl -X POST "\${APP_FILE%/status}/write?count=${LINES}"
curl -s "$SHIPPER_FILE" | grep -E 'read_lines|acked_records'
${STACK} kill shipper-file
${STACK} start rsyslog shipper-file
curl -s "$APP_FILE"
${PSQL} "SELECT count(*), max(seq) FROM logs WHERE source = 'file'"
\`\`\``,
    hints: [
      'compose.yaml gives both sidecars LOG_SHIPPER_UNSAFE_COMMIT_ON_READ from UNSAFE_COMMIT_ON_READ: set on the apply line, it re-creates them with it; an apply without it puts them back.',
      'While rsyslog is stopped nothing is acknowledged: read_lines_total rises and acked_records_total does not. With commit-on-read the registry moves all the same.',
      `The check wants shipper-file running with LOG_SHIPPER_UNSAFE_COMMIT_ON_READ=true; then it stops rsyslog, has the file app write ${LINES} lines, crashes shipper-file once its registry says app.log is done, starts rsyslog and counts the lines the store never got.`,
    ],
    solution: { commands: [BREAK_APPLY] },
    recreate: ['shipper-file', 'shipper-stdout'],
    break: 'commit-on-read',
    async check(ctx) {
      const flag = (await envOf(ctx, 'shipper-file')).LOG_SHIPPER_UNSAFE_COMMIT_ON_READ;
      if (flag !== 'true')
        return fail(
          `shipper-file moves its registry only when rsyslog acknowledges (LOG_SHIPPER_UNSAFE_COMMIT_ON_READ=${flag}): ${BREAK_APPLY}`,
        );
      const e = await endpoints(ctx.project);
      const shipper = await ctx.project.id('shipper-file');
      const { range, at } = await chaos.withStopped(await ctx.project.id('rsyslog'), async () => {
        const range = await write(e.app.file, LINES);
        await written(e.app.file);
        // Read, never acknowledged, and yet done as far as the registry says: what a crash now makes a loss.
        const at = await eventually(
          async () => {
            const r = await registered(ctx);
            expect.ok(r.offset >= r.size, 'shipper-file’s registry says app.log is done to its end', r.size, r.offset);
            return r;
          },
          { within: 30_000, every: 250 },
        );
        await chaos.crashAndRecover(shipper);
        return { range, at };
      });
      if (!(await oneDelivered(ctx, 'file'))) return fail('rsyslog is back, but a new line of app.log did not reach the store within 60 s');
      const v = await verify(ctx.project, 'file', range.from, range.to);
      if (!v.lost) return fail(`shipper-file was killed with ${LINES} lines read and not acknowledged, and yet every one arrived`);
      return pass(
        `while rsyslog was away shipper-file’s registry said app.log was done to byte ${at.offset}; killed, it went on from there: ${v.lost} of ${LINES} lines (seq ${v.missing?.join(', ')}) never reached the store`,
      );
    },
  },
  {
    title: 'Duplicates without ids.',
    text: `The store keeps each record once for two reasons: the unique key on \`logs.id\`
(\`stacks/logs/schema/logs.sql\`) and \`ON CONFLICT (id) DO NOTHING\` in rsyslog's insert
(\`${RECEIVER}\`). Remove both. receiver.conf is copied into rsyslog's image, so apply rebuilds
the image and re-creates rsyslog; the schema ran once, when the store's volume was made, so drop the key in the
running store. Then make the stdout sidecar send again what it has delivered: with no registry it starts over
from offset 0, as a crash between an acknowledgement and the registry's write does for one batch (check 4 kills
it five times). Count the ids stored twice. The check does the same with ${LINES} lines of its own.

\`\`\`sh
${APPLY}
${DROP_KEY}
eval "$(npm run -s stack:logs -- urls --env)"
curl -X POST "\${APP_STDOUT%/status}/write?count=${LINES}"
${STACK} kill shipper-stdout
${STACK} exec app-stdout rm ${REGISTRY}
${STACK} start shipper-stdout
${PSQL} 'SELECT count(*) - count(DISTINCT id) AS stored_twice FROM logs'
\`\`\``,
    hints: [
      `Only one line of ${RECEIVER} changes: the end of the insert's template.`,
      `Without ON CONFLICT, a repeated id fails the insert while the key is there, and rsyslog retries that batch for ever; with ON CONFLICT and no key, every insert fails. Remove both.`,
      `The check wants rsyslog's receiver.conf without ON CONFLICT and no unique key on logs; then it writes ${LINES} lines to the stdout app, removes shipper-stdout's registry, crashes it, and counts the lines stored twice.`,
    ],
    solution: { patch: receiverPatch(), commands: [APPLY, DROP_KEY] },
    touches: [RECEIVER],
    async restore(ctx) {
      // The key back, once the second copy of each record is gone (rsyslog's own insert says ON CONFLICT again).
      const keys = await sql(ctx.project, `SELECT conname FROM pg_constraint WHERE conname = '${KEY}'`);
      if (!keys.length)
        await sql(
          ctx.project,
          `DELETE FROM logs a USING logs b WHERE a.id = b.id AND a.n > b.n; ALTER TABLE logs ADD CONSTRAINT ${KEY} UNIQUE (id)`,
        );
    },
    async check(ctx) {
      const conf = await docker.exec(await ctx.project.id('rsyslog'), ['cat', '/etc/rsyslog-lab/receiver.conf']);
      if (conf.includes(CONFLICT)) return fail(`rsyslog still inserts with${CONFLICT}: remove it from ${RECEIVER}, then ${APPLY}`);
      const keys = (await sql(ctx.project, `SELECT conname FROM pg_constraint WHERE conrelid = 'logs'::regclass AND contype = 'u'`)).flat();
      if (keys.length) return fail(`the store still keeps ids unique (constraint ${keys.join(', ')}): ${DROP_KEY}`);
      const e = await endpoints(ctx.project);
      const range = await write(e.app.stdout, LINES);
      const first = await delivered(ctx.project, 'stdout', range.from, range.to);
      if (first.lost) return fail(`${first.lost} of ${LINES} new lines did not reach the store within 60 s: does rsyslog insert them?`);
      // No registry: the restarted sidecar reads stdout.log from 0, and sends every record again, with its id.
      await docker.exec(await ctx.project.id('app-stdout'), ['rm', '-f', REGISTRY]);
      await chaos.crashAndRecover(await ctx.project.id('shipper-stdout'));
      const twice = async () => {
        const v = await verify(ctx.project, 'stdout', range.from, range.to);
        expect.ok(v.duplicated >= LINES, 'every line stored a second time', `>= ${LINES} duplicated`, v.duplicated);
        return v;
      };
      const v = await eventually(twice, { within: 60_000, every: 250 }).catch(() => verify(ctx.project, 'stdout', range.from, range.to));
      if (!v.duplicated) return fail(`shipper-stdout, its registry gone, has sent none of the ${LINES} lines again within 60 s`);
      const [[ids = '0'] = []] = await sql(ctx.project, 'SELECT count(*) FROM (SELECT id FROM logs GROUP BY id HAVING count(*) > 1) x');
      return pass(
        `shipper-stdout, its registry gone, sent seq ${range.from}-${range.to} again and the store kept both: ${v.duplicated} duplicated, ${ids} ids stored more than once`,
      );
    },
  },
  {
    title: 'Rotation without the copies.',
    text: `Set the sidecars' \`LOG_SHIPPER_INCLUDE\` to \`"*.log"\` in compose.yaml, so that the copies copytruncate
makes (\`app.log.1\`) no longer match, and apply it. When app.log is truncated, the sidecar finds no copy to read
on from: what it had not read yet was only in the copy, and is lost, as check 3 would find. The check rotates once:
it pauses shipper-file, has the app write ${LINES} lines, copies app.log and truncates it, and lets the sidecar go
on. Then read the sidecar's warning, and find the copy beside app.log.

\`\`\`sh
${APPLY}
${STACK} logs --tail 5 shipper-file
${STACK} exec app-file ls -l /var/log/app
\`\`\``,
    hints: [
      'LOG_SHIPPER_INCLUDE is in the environment both sidecars share (x-shipper): "*.log" still matches stdout.log.',
      'A copy is known by its fingerprint, the hash of its first line: the sidecar reads on in it only if --include lists it.',
      `The check wants shipper-file following app.log and not its copies; then it rotates by copytruncate with ${LINES} lines unread, and counts those the store never got.`,
    ],
    ...composeEdit(
      `@@ -17,3 +17,3 @@
     LOG_SHIPPER_RELP_HOST: rsyslog
-    LOG_SHIPPER_INCLUDE: "*.log*"   # the copies copytruncate makes too (app.log.<n>)
+    LOG_SHIPPER_INCLUDE: "*.log"
     # A record starts with a JSON object or a time stamp; other lines (a traceback) belong to the record before.
`,
      APPLY,
    ),
    async check(ctx) {
      const include = (await envOf(ctx, 'shipper-file')).LOG_SHIPPER_INCLUDE ?? '*.log';
      const follows = (name: string) => include.split(',').some((g) => globRegExp(g.trim()).test(name));
      if (follows('app.log.1'))
        return fail(
          `shipper-file follows the copies too (LOG_SHIPPER_INCLUDE=${include}): set it to "*.log" in compose.yaml, then ${APPLY}`,
        );
      if (!follows('app.log')) return fail(`shipper-file does not follow app.log at all (LOG_SHIPPER_INCLUDE=${include}): "*.log" does`);
      // A line delivered first: the sidecar knows app.log, and holds it open.
      if (!(await oneDelivered(ctx, 'file')))
        return fail('a new line of app.log did not reach the store within 60 s: is shipper-file running?');
      const rotations = async () => sum(await metricsOf((await endpoints(ctx.project)).shipper.file), 'log_shipper_rotations_total');
      const before = await rotations();
      const e = await endpoints(ctx.project);
      const shipper = await ctx.project.id('shipper-file');
      const copy = `c${Date.now()}`;
      // Paused, the sidecar reads nothing: every line written now is unread when app.log is truncated.
      await $`docker pause ${shipper}`.quiet();
      const range = await (async () => {
        try {
          const r = await write(e.app.file, LINES);
          await written(e.app.file);
          await chaos.copyTruncate(await ctx.project.id('app-file'), LOG, copy);
          return r;
        } finally {
          await $`docker unpause ${shipper}`.quiet();
        }
      })();
      const seen = await eventually(
        async () => {
          const n = await rotations();
          expect.ok(n > before, 'shipper-file counted the truncation', `> ${before}`, n);
          return true;
        },
        { within: 30_000, every: 250 },
      ).catch(() => false);
      if (!seen) return fail('shipper-file has not noticed app.log’s truncation within 30 s');
      // A line after it, delivered: what the sidecar was going to read of the copy, it has read.
      if (!(await oneDelivered(ctx, 'file'))) return fail('a line written after the truncation did not reach the store within 60 s');
      const v = await verify(ctx.project, 'file', range.from, range.to);
      if (!v.lost) return fail(`every line written before the truncation arrived: does shipper-file still read app.log.${copy}?`);
      const said = await lastLine(ctx, 'shipper-file', 'file truncated');
      return pass(
        `following only "${include}", shipper-file never read app.log.${copy}: ${v.lost} of ${LINES} lines lost${said ? `; it logged ${said}` : ''}`,
      );
    },
  },
  {
    title: 'A buffer smaller than a batch.',
    text: `For a slow receiver you might lower the sidecar's memory bound. Give shipper-stdout
\`LOG_SHIPPER_MAX_BUFFER_BYTES: "65536"\` in compose.yaml, and raise its \`LOG_SHIPPER_BATCH_MAX_BYTES\` above it,
to \`"131072"\`, then apply it. A batch that can never fit in the buffer cannot work: the sidecar refuses to start,
exiting 2 with one line that names both parameters, and Docker's restart policy starts it again, to the same end
(apply says it did not become healthy). app-stdout writes on meanwhile: its lines wait in the file until
\`--reset\` puts compose.yaml back.

\`\`\`sh
${APPLY}
${STACK} ps shipper-stdout
${STACK} logs --tail 3 shipper-stdout
\`\`\``,
    hints: [
      'Put both under shipper-stdout’s own environment, after its <<: *shipper-env line: a key given there wins over the shared one.',
      '--batch-max-bytes must not be above --max-buffer-bytes: one batch is read into the buffer before it is sent.',
      'The check wants shipper-stdout run with a batch bound above its buffer bound, exiting 2 with one line that names both.',
    ],
    ...composeEdit(
      `@@ -105,4 +105,6 @@
       <<: *shipper-env
       LOG_SHIPPER_POD: pod-stdout
       LOG_SHIPPER_CONTAINER: app-stdout
+      LOG_SHIPPER_MAX_BUFFER_BYTES: "65536"
+      LOG_SHIPPER_BATCH_MAX_BYTES: "131072"
     depends_on:
`,
      `${APPLY} || true`,
    ),
    async check(ctx) {
      const env = await envOf(ctx, 'shipper-stdout');
      const [buffer, batch] = [Number(env.LOG_SHIPPER_MAX_BUFFER_BYTES), Number(env.LOG_SHIPPER_BATCH_MAX_BYTES)];
      if (!(batch > buffer))
        return fail(
          `shipper-stdout runs with LOG_SHIPPER_BATCH_MAX_BYTES=${batch} within LOG_SHIPPER_MAX_BUFFER_BYTES=${buffer}: give it a batch bound above its buffer bound in compose.yaml, then ${APPLY}`,
        );
      const id = await ctx.project.id('shipper-stdout');
      const refused = async () => {
        const code = Number((await $`docker inspect --format {{.State.ExitCode}} ${id}`.quiet()).stdout.trim());
        const line = (await logsOf(ctx, 'shipper-stdout'))
          .split('\n')
          .find((l) => l.includes('--batch-max-bytes') && l.includes('--max-buffer-bytes'));
        expect.ok(code === 2 && line !== undefined, 'shipper-stdout exited 2 with a line naming both bounds', 'exit 2', { code, line });
        return line!.trim();
      };
      const line = await eventually(refused, { within: 30_000, every: 250 }).catch(() => undefined);
      if (!line) return fail('shipper-stdout runs with both bounds, but has not exited 2 naming them within 30 s');
      const { restartCount } = await docker.state(id);
      return pass(`shipper-stdout refuses to start (exit 2, restarted ${restartCount} times): “${line}”`);
    },
  },
];

export default exercises;
