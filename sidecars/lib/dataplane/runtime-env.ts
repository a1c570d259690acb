// What the image of a proxy on this data plane sets for its runtime: Bun reads each BUN_JSC_* variable at start as
// the JavaScriptCore option of the same name. The parameter tables do not hold these: they tune the runtime, not
// the sidecar. npm run gen writes them into images/Dockerfile and under each README's parameter table.
import type { RuntimeSettings } from '../parse.js';

/**
 * A full collection once the old generation passes half of the heap's limit, not two thirds (JavaScriptCore's
 * default ratio is 1/3). Under keep-alive load each eden collection promotes what the requests in flight hold at
 * that moment, garbage a moment later that only a full collection frees; with the default the old generation grew
 * to twice the eden's size before one came. test/runtime-env.test.ts pins it at our Bun.
 */
export const DATA_PLANE_RUNTIME: RuntimeSettings = {
  env: { BUN_JSC_minEdenToOldGenerationRatio: '0.5' },
  why: 'with it, JavaScriptCore collects its old generation in full once that reaches the young generation’s size, not twice it, which took about 5 MB off the proxy’s anonymous memory under keep-alive load (docs/benchmarks.md, bench:https); its default is 0.3333',
};
