// What the image of a proxy on this data plane sets for its runtime: Bun reads each BUN_JSC_* variable at start as
// the JavaScriptCore option of the same name. The parameter tables do not hold these: they tune the runtime, not
// the sidecar. npm run gen writes them into images/Dockerfile and under each README's parameter table.
// test/runtime-env.test.ts pins each one at our Bun.
import type { RuntimeSettings } from '../parse.js';

/**
 * mesh-proxy's: a full collection once the old generation passes half of the heap's limit, not two thirds
 * (JavaScriptCore's default ratio is 1/3). Under keep-alive load each eden collection promotes what the requests in
 * flight hold at that moment, garbage a moment later that only a full collection frees; with the default the old
 * generation grew to twice the eden's size before one came.
 */
export const OLD_GENERATION_SOONER: RuntimeSettings = {
  env: { BUN_JSC_minEdenToOldGenerationRatio: '0.5' },
  why: 'with it, JavaScriptCore collects its old generation in full once that reaches the young generation’s size, not twice it, which took about 5 MB off tls-proxy’s anonymous memory under keep-alive load (docs/benchmarks.md, bench:https); tls-proxy’s smaller young generation cost mesh-proxy a third more CPU a request in bench:mesh, so it keeps this one; the default is 0.3333',
};

/**
 * tls-proxy's: a young generation half the size of the heap a full collection leaves, 2 MiB at least. By default
 * the heap may grow to three times that (twice on a host under 16 GB, where the small-heap factor applies), 8 MiB
 * at least (Bun's own largeHeapSize), and the proxy's heap of about 3 MB took 6 MB of garbage before each eden
 * collection. heapGrowthMaxIncrease sets the growth on a host of 16 GB or more, smallHeapGrowthFactor on a smaller
 * one, largeHeapSize the least. At a growth of half, the default ratio (1/3) would collect in full after nearly
 * every eden collection: at 0.2 a full collection waits until the young generation's room is under a fifth of the
 * heap's limit.
 */
export const SMALL_YOUNG_GENERATION: RuntimeSettings = {
  env: {
    BUN_JSC_minEdenToOldGenerationRatio: '0.2',
    BUN_JSC_heapGrowthMaxIncrease: '0.5',
    BUN_JSC_smallHeapGrowthFactor: '1.5',
    BUN_JSC_largeHeapSize: '2097152',
  },
  why: 'with them, JavaScriptCore collects the young generation once the heap has grown by half of what the last full collection left (2 MiB at least), where by default it may grow by up to twice that (Bun’s 8 MiB at least), and holds a full collection until the young generation’s room is under a fifth of the heap’s limit; under keep-alive load that took the proxy’s anonymous memory from 24.6 MB to 19.5 MB (docs/benchmarks.md, bench:https); the defaults, as this Bun runs, are 0.3333, 2, 2 and 8388608',
};
