// npm run soak -- logs: each pod's app writes 200 lines a second (120 bytes each) for as long as the soak
// runs, the file pod's log is rotated by rename halfway through every minute, and at the end the store is
// asked for every line written: how many are missing, and how many are there twice.
import { sleep } from 'zx';
import * as chaos from '../../scripts/lib/chaos.js';
import type { StackContext } from '../../scripts/lib/lifecycle.js';
import type { Soak } from '../../scripts/lib/stack-types.js';
import { delivered, endpoints, LOG, PODS, type PodName, write, written } from './support.js';

const RATE = 200;
/** Per pod, the first and last seq written during the soak. */
const ranges = new Map<PodName, { from: number; to: number }>();

async function minute(ctx: StackContext, i: number) {
  const e = await endpoints(ctx.project);
  for (const pod of PODS) {
    const r = await write(e.app[pod], 60 * RATE, RATE);
    ranges.set(pod, { from: ranges.get(pod)?.from ?? r.from, to: r.to });
  }
  await sleep(30_000);
  await chaos.rotateByRename(await ctx.project.id('app-file'), LOG, `soak${i}`, async () => {
    await fetch(`${e.app.file}/reopen`, { method: 'POST' });
  });
  for (const pod of PODS) await written(e.app[pod], 120_000);
  return { requests: 2 * 60 * RATE, failed: 0, rotations: 1 };
}

async function finish(ctx: StackContext) {
  let lost = 0,
    duplicated = 0;
  for (const [pod, r] of ranges) {
    const v = await delivered(ctx.project, pod, r.from, r.to, 120_000);
    lost += v.lost;
    duplicated += v.duplicated;
  }
  return { lost, duplicated };
}

const soak: Soak = {
  sidecars: ['shipper-file', 'shipper-stdout'],
  load: "each pod's app writes 200 lines a second of 120 bytes; the file pod's log rotated by rename once a minute; every line looked up in the store at the end",
  minute,
  finish,
};
export default soak;
