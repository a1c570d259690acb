// The checks of the logs lesson's exercises (exercises.ts), one function each, run against the learner's run, and
// the reset of exercise 2: each first asks whether the edit is in the run. The stack is heavy, so a check that
// shows a loss or a duplicate then makes it happen in small (LINES, a few hundred lines of its own), as checks 3
// to 5 do in large (the helpers of exercise-support.ts).
import { $ } from 'zx';
import * as chaos from '../../scripts/lib/chaos.js';
import { eventually, expect } from '../../scripts/lib/check.js';
import * as docker from '../../scripts/lib/docker.js';
import { fail, pass, type Verdict } from '../../scripts/lib/exercise/types.js';
import type { StackContext } from '../../scripts/lib/stack-types.js';
import {
  APPLY,
  BREAK_APPLY,
  CONFLICT,
  DROP_KEY,
  envOf,
  globRegExp,
  KEY,
  LINES,
  lastLine,
  logsOf,
  oneDelivered,
  RECEIVER,
  REGISTRY,
  registered,
} from './exercise-support.js';
import { delivered, endpoints, LOG, metricsOf, sql, sum, verify, write, written } from './support.js';

/** Exercise 1: shipper-file commits on read, and lines it read but rsyslog never acknowledged are lost in a crash. */
export async function checkCommitOnRead(ctx: StackContext): Promise<Verdict> {
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
}

/** Exercise 2's reset: the second copy of each record deleted, and the unique key on logs.id back. */
export async function restoreUniqueKey(ctx: StackContext): Promise<void> {
  // The key back, once the second copy of each record is gone (rsyslog's own insert says ON CONFLICT again).
  const keys = await sql(ctx.project, `SELECT conname FROM pg_constraint WHERE conname = '${KEY}'`);
  if (!keys.length)
    await sql(
      ctx.project,
      `DELETE FROM logs a USING logs b WHERE a.id = b.id AND a.n > b.n; ALTER TABLE logs ADD CONSTRAINT ${KEY} UNIQUE (id)`,
    );
}

/** Exercise 2: rsyslog inserts without ON CONFLICT, the store has no unique key, and a resend stores every line twice. */
export async function checkDuplicates(ctx: StackContext): Promise<Verdict> {
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
}

/** Exercise 3: shipper-file follows app.log and not its copies, and a copytruncate then loses the unread lines. */
export async function checkCopiesIgnored(ctx: StackContext): Promise<Verdict> {
  const include = (await envOf(ctx, 'shipper-file')).LOG_SHIPPER_INCLUDE ?? '*.log';
  const follows = (name: string) => include.split(',').some((g) => globRegExp(g.trim()).test(name));
  if (follows('app.log.1'))
    return fail(`shipper-file follows the copies too (LOG_SHIPPER_INCLUDE=${include}): set it to "*.log" in compose.yaml, then ${APPLY}`);
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
  // A truncated file is taken up again (and the truncation counted) once it has a first line: write one, and
  // see it delivered; what the sidecar was going to read of the copy, it has read by then.
  if (!(await oneDelivered(ctx, 'file'))) return fail('a line written after the truncation did not reach the store within 60 s');
  const seen = await eventually(
    async () => {
      const n = await rotations();
      expect.ok(n > before, 'shipper-file counted the truncation', `> ${before}`, n);
      return true;
    },
    { within: 60_000, every: 250 },
  ).catch(() => false);
  if (!seen) return fail('shipper-file has not noticed app.log’s truncation within 60 s');
  const v = await verify(ctx.project, 'file', range.from, range.to);
  if (!v.lost) return fail(`every line written before the truncation arrived: does shipper-file still read app.log.${copy}?`);
  const said = await lastLine(ctx, 'shipper-file', 'file truncated');
  return pass(
    `following only "${include}", shipper-file never read app.log.${copy}: ${v.lost} of ${LINES} lines lost${said ? `; it logged ${said}` : ''}`,
  );
}

/** Exercise 4: shipper-stdout runs with a batch bound above its buffer bound, and exits 2 naming both. */
export async function checkBufferBelowBatch(ctx: StackContext): Promise<Verdict> {
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
}
