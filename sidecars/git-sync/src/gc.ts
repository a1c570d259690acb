// Removing old trees. A tree is removed only when all of these hold:
//   1. it is not the one the link points at;
//   2. it stopped being current at least `graceMs` ago: a request that resolved the link (or a
//      revision-pinned URL) before the flip has had that long to finish, and the app bounds its
//      requests below the grace period;
//   3. no process in the pod has its cwd or an open file inside it right now (inUse, read from
//      /proc through the pod's shared PID namespace): a slow download keeps its tree alive.
// A tree found at start-up (from before this process) counts as retired at start-up.
export interface Plan {
  remove: string[];
  keep: { sha: string; why: 'current' | 'grace' | 'in use' }[];
}

export function planGc(
  trees: string[],
  o: { current: string | undefined; retiredAt: Map<string, number>; now: number; graceMs: number; inUse: Set<string> },
): Plan {
  const plan: Plan = { remove: [], keep: [] };
  for (const sha of trees) {
    if (sha === o.current) plan.keep.push({ sha, why: 'current' });
    else if (o.now - (o.retiredAt.get(sha) ?? o.now) < o.graceMs) plan.keep.push({ sha, why: 'grace' });
    else if (o.inUse.has(sha)) plan.keep.push({ sha, why: 'in use' });
    else plan.remove.push(sha);
  }
  return plan;
}

/** Remembers when each tree stopped being current. */
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
}
