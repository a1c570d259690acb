// What the image of a proxy on this data plane sets for its runtime: Bun reads each BUN_JSC_* variable at start as
// the JavaScriptCore option of the same name. The parameter tables do not hold these: they tune the runtime, not
// the sidecar, and a user's environment still overrides them.

/**
 * A full collection once the old generation passes half of the heap's limit, not two thirds (JavaScriptCore's
 * default ratio is 1/3). Under keep-alive load each eden collection promotes what the requests in flight hold at
 * that moment, garbage a moment later that only a full collection frees; with the default the old generation grew
 * to twice the eden's size before one came. docs/benchmarks.md (bench:https) gives what it saves and costs.
 */
export const DATA_PLANE_RUNTIME_ENV: Readonly<Record<string, string>> = { BUN_JSC_minEdenToOldGenerationRatio: '0.5' };
