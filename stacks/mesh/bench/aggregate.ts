// What bench:mesh reports beyond the common figures (scripts/bench/aggregate.ts): each container of a pair's
// own memory. The ratios of the mesh-proxy pair to the HAProxy pair are the kernel's compare().
import { common, memberMemory, type CommonSummary, type MemberMemory } from '../../../scripts/bench/aggregate.js';
import type { Variant } from '../../../scripts/bench/pod.js';
import type { Runs } from '../../../scripts/bench/run.js';

export interface Summary extends CommonSummary {
  members: MemberMemory[];
}

/** The variants that ran, each with its members' memory; added latency against `direct`. */
export function summarize(variants: Variant[], runs: Map<string, Runs>, direct: string): Summary[] {
  return variants.filter((v) => runs.has(v.id)).map((v) => ({ ...common(v, runs, direct), members: memberMemory(v, runs.get(v.id)!) }));
}
