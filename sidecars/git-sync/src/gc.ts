// Removing old trees. A tree is removed only when all of these hold:
//   1. it is not the one the link points at;
//   2. no process in the pod has its cwd or an open file inside it right now (inUse, read from
//      /proc through the pod's shared PID namespace): a slow download keeps its tree alive, and so
//      does a server still running from it after the flip;
//   3. at least `graceMs` have passed since it stopped being current and since a process was last
//      seen using it: a request that resolved the link before the flip, and a revision-pinned URL
//      handed out by a server of that tree just before it stopped, have had that long to finish.
// A tree found at start-up (from before this process) counts as retired at start-up.
import type { Usage } from './inuse.js';

export interface Plan {
  remove: string[];
  keep: { sha: string; why: 'current' | 'in use' | 'grace' }[];
}

export function planGc(
  trees: string[],
  o: { current: string | undefined; retiredAt: Map<string, number>; now: number; graceMs: number; inUse: Set<string> },
): Plan {
  const plan: Plan = { remove: [], keep: [] };
  for (const sha of trees) {
    if (sha === o.current) plan.keep.push({ sha, why: 'current' });
    else if (o.inUse.has(sha)) plan.keep.push({ sha, why: 'in use' });
    else if (o.now - (o.retiredAt.get(sha) ?? o.now) < o.graceMs) plan.keep.push({ sha, why: 'grace' });
    else plan.remove.push(sha);
  }
  return plan;
}

/** Remembers when each tree stopped being current, or was last seen in use since. */
export class Retirements {
  private readonly at = new Map<string, number>();
  constructor(private readonly clock: () => number = Date.now) {}

  /** Called after every flip: `current` is live again, everything else not yet seen starts its grace. */
  update(trees: string[], current: string | undefined): Map<string, number> {
    for (const sha of trees) {
      if (sha === current) this.at.delete(sha);
      else if (!this.at.has(sha)) this.at.set(sha, this.clock());
    }
    for (const sha of [...this.at.keys()]) if (!trees.includes(sha)) this.at.delete(sha);
    return this.at;
  }

  /** Called with each /proc scan: a retired tree a process uses starts its grace again from now. */
  seen(inUse: Set<string>): Map<string, number> {
    for (const sha of inUse) if (this.at.has(sha)) this.at.set(sha, this.clock());
    return this.at;
  }
}

export interface CollectorOptions {
  graceMs: number;
  scan(): Usage;
  remove(sha: string): Promise<void>;
  clock: () => number;
}

/** Runs after every sync: removes what planGc allows, scanning /proc while a retired tree exists, so
 * that a tree's grace counts from the last collection that saw it in use. */
export class Collector {
  private readonly retired: Retirements;
  /** Processes whose open files could not be read at the last scan. */
  uninspectable = 0;

  constructor(private readonly o: CollectorOptions) {
    this.retired = new Retirements(o.clock);
  }

  async collect(trees: string[], current: string | undefined): Promise<string[]> {
    let retiredAt = this.retired.update(trees, current);
    let inUse = new Set<string>();
    if (trees.some((sha) => sha !== current)) {
      const usage = this.o.scan();
      ({ inUse, uninspectable: this.uninspectable } = usage);
      retiredAt = this.retired.seen(inUse);
    }
    const plan = planGc(trees, { current, retiredAt, now: this.o.clock(), graceMs: this.o.graceMs, inUse });
    for (const sha of plan.remove) await this.o.remove(sha);
    return plan.remove;
  }
}
