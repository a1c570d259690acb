// Checks 2 and 3: the app's file rotated while it writes, by rename and by copytruncate.
import { sleep } from 'zx';
import * as chaos from '../../scripts/lib/chaos.js';
import { eventually, expect, type Check } from '../../scripts/lib/check.js';
import type { StackContext } from '../../scripts/lib/lifecycle.js';
import { delivered, endpoints, expectComplete, LOG, metricsOf, note, write, written } from './support.js';

type C = Check<StackContext>;
/** Five rotations, one a second, while the app writes 400 lines a second. */
const ROTATIONS = 5;
/** How long the sidecar may take to see a rotation: only a hang reaches it. */
const SEEN_BOUND_MS = 30_000;

async function rotating(ctx: StackContext, kind: 'rename' | 'copytruncate', rotate: (i: number) => Promise<void>) {
  const e = await endpoints(ctx.project);
  const rotations = async () => (await metricsOf(e.shipper.file)).get(`log_shipper_rotations_total{kind="${kind}"}`) ?? 0;
  const before = await rotations();
  // Two seconds of lines ahead of each rotation (the app writes its orders one after another), so the app is
  // still writing when the rotation comes and the new file has lines for the sidecar to follow.
  const ahead = () => write(e.app.file, 800, 400);
  const first = await ahead();
  let last = first;
  for (let i = 1; i <= ROTATIONS; i++) {
    await sleep(1000); // the rotation schedule: once a second, as the scenario says
    await rotate(i);
    // The next rotation waits until the sidecar has seen this one: on a loaded machine its scan can fall a
    // second behind, and a file made and rotated away between two scans is read as a new file (nothing is
    // lost) but not counted as a rotation. The positive control depends on events, not on the machine's speed.
    await eventually(async () => expect.ok((await rotations()) - before >= i, `the sidecar saw ${kind} rotation ${i}`, i, 'not yet'), {
      within: SEEN_BOUND_MS,
      every: 100,
    });
    if (i < ROTATIONS) last = await ahead();
  }
  const range = { from: first.from, to: last.to };
  await written(e.app.file);
  const v = await delivered(ctx.project, 'file', range.from, range.to);
  const seen = (await rotations()) - before;
  note(
    `seq ${range.from}-${range.to}: ${v.stored} stored, ${v.lost} lost, ${v.duplicated} duplicated, ${v.reordered} reordered; ${seen} ${kind} rotations seen`,
  );
  expect.ok(seen >= ROTATIONS, `the sidecar saw every ${kind} rotation`, `>= ${ROTATIONS}`, seen);
  return v;
}

export const renameRotation: C = {
  name: 'rotation by rename every second while the app writes: 0 lost, 0 duplicated',
  effect: 'destroys',
  async run(ctx) {
    const app = await ctx.project.id('app-file');
    const e = await endpoints(ctx.project);
    const v = await rotating(ctx, 'rename', (i) =>
      chaos.rotateByRename(app, LOG, `r${i}`, async () => {
        await fetch(`${e.app.file}/reopen`, { method: 'POST' });
      }),
    );
    expectComplete(v, 'every line written across the renames is stored once');
  },
};

export const copyTruncateRotation: C = {
  weight: 'heavy',
  name: 'copytruncate rotation every second while the app writes: 0 lost, and duplicates reported (0)',
  effect: 'destroys',
  async run(ctx) {
    const app = await ctx.project.id('app-file');
    const v = await rotating(ctx, 'copytruncate', (i) => chaos.copyTruncate(app, LOG, `c${i}`, { freeze: 'logger.py' }));
    expectComplete(v, 'every line written across the copytruncates is stored once');
  },
};
