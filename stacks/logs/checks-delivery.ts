// Checks 1, 6 and 7: what arrives and how it is labelled, the app stopping, a stack trace.
import { $ } from 'zx';
import { eventually, expect, type Check } from '../../scripts/lib/check.js';
import type { StackContext } from '../../scripts/lib/lifecycle.js';
import { delivered, endpoints, expectComplete, note, PODS, sql, write, written } from './support.js';

type C = Check<StackContext>;

export const labelled: C = {
  name: 'lines from the file app and from the stdout app arrive in the store with their labels, and a JSON line’s fields are queryable',
  async run(ctx) {
    const e = await endpoints(ctx.project);
    for (const pod of PODS) {
      const range = await write(e.app[pod], 50, 0, 80);
      await written(e.app[pod]);
      expectComplete(await delivered(ctx.project, pod, range.from, range.to), `the ${pod} app's 50 lines are stored once each`);
      const labels = await sql(
        ctx.project,
        `SELECT DISTINCT pod, container, file FROM logs WHERE source = '${pod}' AND seq BETWEEN ${range.from} AND ${range.to}`,
      );
      expect.equal(
        labels,
        [[`pod-${pod}`, `app-${pod}`, pod === 'file' ? 'app.log' : 'stdout.log']],
        `pod, container and file of the ${pod} app's lines`,
      );
      const [[count]] = (await sql(
        ctx.project,
        `SELECT count(*) FROM logs WHERE doc->'fields'->>'level' = 'info' AND (doc->'fields'->>'seq')::bigint BETWEEN ${range.from} AND ${range.to} AND source = '${pod}'`,
      )) as [[string]];
      expect.equal(Number(count), 50, `rows found by a JSON field of the ${pod} app's lines (doc->'fields'->>'level')`);
    }
  },
};

/** The last seq the file app says it wrote, from its last stderr line. */
async function lastSeq(ctx: StackContext): Promise<number> {
  const out = await $`docker logs ${await ctx.project.id('app-file')}`.quiet();
  const m = /stopped: last seq written (\d+)/.exec(out.stdout + out.stderr);
  expect.ok(!!m, 'the app said which seq it wrote last', 'stopped: last seq written N', (out.stdout + out.stderr).slice(-300));
  return Number(m![1]);
}

export const appStop: C = {
  weight: 'heavy',
  name: 'the pod stopping: every line the app wrote before it exited is in the store, as the sidecar stops after the app',
  effect: 'destroys',
  async run(ctx) {
    const e = await endpoints(ctx.project);
    await write(e.app.file, 20_000, 0, 200); // still writing, and the sidecar behind, when the stop comes
    // Stop the pod's members as Compose stops a stack: the app first (it depends on the sidecar), then the sidecar.
    const t0 = Date.now();
    await ctx.project.stop(['app-file', 'shipper-file'], 30);
    const last = await lastSeq(ctx);
    const v = await delivered(ctx.project, 'file', 1, last);
    const shipper = await ctx.project.id('shipper-file');
    const exit = await $`docker inspect --format ${'{{.State.ExitCode}}'} ${shipper}`.quiet();
    note(
      `the app wrote seq 1-${last}; ${v.stored} stored, ${v.lost} lost, ${v.duplicated} duplicated; the sidecar exited ${exit.stdout.trim()}`,
    );
    expectComplete(v, 'every line the app wrote, from its first start to its exit, is stored once');
    expect.equal(exit.stdout.trim(), '0', 'the sidecar drained and exited 0 (not cut off by its drain timeout)');
    const events = ctx.events().filter((ev) => ev.time >= t0 && ev.status === 'die' && ['app-file', 'shipper-file'].includes(ev.service));
    expect.equal(
      events.map((ev) => ev.service),
      ['app-file', 'shipper-file'],
      'order in which the pod members exited',
    );
  },
};

export const stackTrace: C = {
  name: 'a multi-line stack trace arrives as one record',
  async run(ctx) {
    const e = await endpoints(ctx.project);
    const res = await fetch(`${e.app.stdout}/trace`, { method: 'POST' });
    const { seq, lines } = (await res.json()) as { seq: number; lines: number };
    const body = await eventually(
      async () => {
        const r = await sql(
          ctx.project,
          `SELECT replace(body, E'\\n', '|') FROM logs WHERE pod = 'pod-stdout' AND body LIKE '% seq=${seq} request failed%'`,
        );
        expect.equal(r.length, 1, `records holding the trace of seq ${seq}`);
        return r[0]![0]!;
      },
      { within: 15_000, every: 250 },
    );
    note(`seq ${seq}: one record of ${body.split('|').length} lines: ${body.slice(0, 90)}…`);
    expect.equal(body.split('|').length, lines, 'lines in the stored record (the first line and the traceback under it)');
    expect.match(body, /\|Traceback \(most recent call last\):\|/, 'the traceback is inside the record');
  },
};
