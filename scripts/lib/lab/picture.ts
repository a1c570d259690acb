// GET /api/stacks served from one read of the engine at a time, shared by every viewer that asks meanwhile and
// serialized once. A read serves until the hub sees an event or an engine change after the read began. A picture
// ended more than ttlMs ago with no event since (a listener can come without one) still answers at once, and a new read
// starts beside it; when that read's picture differs, the live stream says `stacks` and the page asks again. So a
// page loaded while nothing happens never waits for the engine, and what it shows is at most one read behind.
// Nor does a read wait for a project's roles beyond ROLES_WAIT_MS: the pods are drawn without them, and once they
// are in, the hub makes the picture stale and the page asks again.
import type { Engine } from './engine.js';
import type { Hub } from './hub.js';
import { keptInspects } from './inspect-cache.js';
import { type Roles, rolesWithin } from './roles.js';
import { readStacks, type StacksAnswer } from './stacks.js';

interface Read {
  /** Reads are numbered in the order they start. */
  n: number;
  /** When it began, then when it ended. */
  at: number;
  generation: number;
  body: Promise<Buffer>;
  /** The body, once read. */
  value?: Buffer;
  /** Started beside a picture that was served: a change it finds is announced. */
  behind: boolean;
}

export interface PictureOptions {
  engine: Engine;
  hub: Hub;
  ours: (project: string | undefined) => boolean;
  roles: Roles;
  procRoot?: string;
  ttlMs: number;
  /** ROLES_WAIT_MS unless given. */
  rolesWaitMs?: number;
}

export interface Picture {
  /** The JSON of GET /api/stacks, as fresh as described above; with `fresh`, that of a read begun after the call
   * (GET /api/stacks?fresh=1: what a script that changed something without an event, or a benchmark, asks for). */
  (fresh?: boolean): Promise<Buffer>;
  /** What a call would answer at once, without waiting (a read with no event since it began), or undefined; either
   * way it starts the read a call would start. The page's HTML carries it, saving the page a round trip. */
  now(): Buffer | undefined;
}

/** How long a read waits for a project's roles before it shows the project without them. */
const ROLES_WAIT_MS = 250;

export function pictureOfStacks(o: PictureOptions): Picture {
  const engine = keptInspects(o.engine, o.hub);
  const roles = rolesWithin(o.roles, o.rolesWaitMs ?? ROLES_WAIT_MS, () => o.hub.stale());
  let reading: Read | undefined;
  let kept: Read | undefined;
  let started = 0;

  const read = (behind: boolean): Read => {
    const r: Read = {
      n: ++started,
      at: Date.now(),
      generation: o.hub.generation,
      behind,
      body: readStacks(engine, o.ours, roles, o.procRoot)
        .then(
          (s): StacksAnswer => ({ engine: 'up', stacks: s }),
          (e): StacksAnswer => ({ engine: 'unreachable', reason: String((e as Error).message).split('\n')[0], stacks: [] }),
        )
        .then((a) => Buffer.from(JSON.stringify(a))),
    };
    reading = r;
    void r.body.then(async (body) => {
      reading = undefined;
      r.value = body;
      // Its age counts from its end: a read slower than ttlMs, whose change a viewer asks for on the announcement,
      // is then served as it is, not read again (which, with pictures that keep differing, never ended).
      r.at = Date.now();
      const before = kept;
      kept = r;
      if (r.behind && before && r.generation === o.hub.generation && !body.equals(await before.body)) o.hub.announce({ type: 'stacks' });
    });
    return r;
  };

  const after = async (n: number): Promise<Buffer> => {
    while (reading && reading.n <= n) await reading.body;
    return (reading ?? read(false)).body;
  };

  const current = () => kept !== undefined && kept.generation === o.hub.generation;
  const get = (fresh = false) => {
    if (fresh) return after(started);
    if (current() && Date.now() - kept!.at < o.ttlMs) return kept!.body;
    const r = reading ?? read(current());
    return current() ? kept!.body : r.body;
  };
  return Object.assign(get, {
    now() {
      void get();
      return current() ? kept!.value : undefined;
    },
  });
}
