// npm run soak -- mesh: the frontend app calls the backend service 50 times a second, 8 at once, through
// its mesh sidecar and the backends' (mTLS, round robin over three replicas), while the CA renews every
// pod's identity once a minute (SIGHUP to the CA: new certificates swapped in by their ..data link).
import { sleep } from 'zx';
import * as docker from '../../scripts/lib/docker.js';
import type { StackContext } from '../../scripts/lib/lifecycle.js';
import type { Soak } from '../../scripts/lib/stack-types.js';
import { calls, REPLICAS } from './support.js';

async function minute(ctx: StackContext) {
  const load = calls(ctx.project, '/load?seconds=58&rps=50&concurrency=8');
  await sleep(20_000);
  await docker.signal(await ctx.project.id('ca'), 'HUP');
  const r = await load;
  return { requests: r.n, failed: r.n - r.ok, rotations: 1 };
}

const soak: Soak = {
  sidecars: ['frontend-mesh', ...REPLICAS.map((r) => `${r}-mesh`)],
  load: 'the frontend app calls the backend 50 times a second, 8 at once, through the mesh; every identity renewed by the CA once a minute',
  minute,
};
export default soak;
