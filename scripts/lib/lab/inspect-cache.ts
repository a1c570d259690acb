// The pod picture's reads of the engine, kept: a container's inspect serves again until the hub sees an
// event of that container or a change of the engine's state after it was read (a container changes only
// through events: start, die, health_status…), and for 30 s at most. With every stack up and their health
// checks busy, the engine answers inspects slowly; the picture after an event then asks only for what changed.
// Actions (kill) and the logs always inspect afresh. A container that the engine no longer lists is forgotten
// at the next list, so that a day of runs in a workshop keeps only what is there.
import type { Engine, Inspect } from './engine.js';
import type { Hub } from './hub.js';

const TTL_MS = 30_000;
const MAX = 2000;

export function keptInspects(engine: Engine, hub: Pick<Hub, 'generation' | 'changedSince'>): Engine {
  const kept = new Map<string, { generation: number; at: number; c: Inspect }>();
  return {
    async list() {
      const listed = await engine.list();
      const ids = new Set(listed.map((c) => c.Id));
      for (const id of kept.keys()) if (!ids.has(id)) kept.delete(id);
      return listed;
    },
    kill: (id, signal) => engine.kill(id, signal),
    restart: (id) => engine.restart(id),
    stop: (id) => engine.stop(id),
    start: (id) => engine.start(id),
    exitCode: (id, withinMs) => engine.exitCode(id, withinMs),
    events: () => engine.events(),
    logs: (id, tail, since) => engine.logs(id, tail, since),
    async inspect(id) {
      const k = kept.get(id);
      if (k && !hub.changedSince(k.c.Id, k.generation) && Date.now() - k.at < TTL_MS) return k.c;
      const [generation, at] = [hub.generation, Date.now()];
      const c = await engine.inspect(id);
      kept.delete(id);
      kept.set(id, { generation, at, c });
      if (kept.size > MAX) kept.delete(kept.keys().next().value!);
      return c;
    },
  };
}
