// verify's last check: it takes the project down and reads the timeline. Where depends_on declares that an
// app needs a sidecar, Compose stops the app first; where nothing declares it, that is a finding.
import { CheckFailure, eventually, expect, note, Skipped, type Check } from '../check.js';
import { firstEvent as first, timeline } from '../events.js';
import { dependency, pairs, type VerifyContext } from './context.js';
import { inspectContainer } from './host.js';

export const appStopsFirst = (keep: boolean): Check<VerifyContext> => ({
  name: 'on down, each app stops before its sidecars (engine event timeline)',
  effect: 'destroys',
  async run(ctx) {
    if (keep) throw new Skipped('--keep: the project stays up, so no down is watched');
    const declared = pairs(ctx.groups).filter(({ app, sidecar }) => dependency(ctx, app, sidecar));
    await ctx.release();
    const running = new Set<string>();
    for (const p of declared) for (const s of [p.app, p.sidecar]) if ((await inspectContainer(await ctx.id(s))).running) running.add(s);
    const t0 = Date.now();
    await ctx.project.down();
    if (!declared.length) throw new Skipped('no app depends on one of its sidecars, so nothing orders the stop (see the warnings)');
    // The recorder streams: wait until every member's die of this down has arrived.
    const services = [...running];
    const evs = await eventually(
      async () => {
        const down = ctx.events().filter((e) => e.time >= t0);
        const missing = services.filter((s) => !first(down, s, /^die$/));
        expect.equal(missing, [], 'services whose stop is not yet in the timeline');
        return down;
      },
      { within: 5000 },
    );
    const watched = declared.filter((p) => running.has(p.app) && running.has(p.sidecar));
    const wrong = watched.filter(
      ({ app, sidecar }) => !(first(evs, app, /^die$/)!.time < (first(evs, sidecar, /^kill$/) ?? first(evs, sidecar, /^die$/))!.time),
    );
    if (wrong.length)
      throw new CheckFailure(
        wrong.map(({ app, sidecar }) => `${sidecar} was stopped before ${app} had stopped`).join('; '),
        watched.map(({ app, sidecar }) => `${app} "die" earlier than ${sidecar} "kill"`).join('\n'),
        timeline(evs, t0),
      );
    for (const { app, sidecar } of watched)
      note(`${app} stopped ${Math.round(first(evs, sidecar, /^die$/)!.time - first(evs, app, /^die$/)!.time)} ms before ${sidecar}`);
  },
});
