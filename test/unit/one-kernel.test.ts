// One kernel per job: the runner's and the benches' shared jobs each have one implementation.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { code, read, tsFiles } from './sources.js';

const kernel = suite('one kernel per job');
// The runner's and the stacks' code; their tests may name what they test.
const ours = tsFiles(['scripts', 'stacks'])
  .filter((f) => !f.includes('/test/'))
  .map((f) => ({ f, src: code(read(f)) }));

/** Files (other than `owner`) whose code matches `re`, with the matching text. */
const copies = (re: RegExp, owner?: string) =>
  ours.filter(({ f, src }) => f !== owner && re.test(src)).map(({ f, src }) => `${f}: ${re.exec(src)![0]}`);

kernel('every bench takes its percentiles from scripts/bench/stats.ts, the one nearest-rank definition', () => {
  // A definition named like one, or a rank computed from a sample count inside an index: sorted[Math.ceil(p * xs.length) ...].
  const defs = copies(
    /\b(?:function|const|let)\s+(?:percentile|quantile)\b|\[[^\]]*Math\.(?:ceil|floor|round)\([^\]]*\.length/,
    'scripts/bench/stats.ts',
  );
  assert.equal(defs, [], 'another percentile computation');
});

kernel(
  'every bench writes its section of docs/benchmarks.md through scripts/bench/section.ts, with the conditions block of scripts/bench/conditions.ts',
  () => {
    assert.equal(
      copies(
        /\bfunction\s+writeSection\b|<!-- BEGIN bench:|\*\*Conditions\.\*\*|['"]benchmarks\.md['"]/,
        'scripts/bench/section.ts',
      ).filter((c) => !c.startsWith('scripts/bench/conditions.ts: **Conditions.**')),
      [],
    );
    for (const bench of ['stacks/https/bench.ts', 'stacks/config/bench.ts', 'stacks/paas/bench.ts', 'stacks/topz/bench.ts']) {
      const src = read(bench);
      assert.ok(
        /\bBenchClock\b/.test(src) && /scripts\/bench\/section\.js/.test(src),
        `${bench} states its conditions with BenchClock and writes through section.ts`,
      );
    }
  },
);

kernel('run.json is named, written and read only by scripts/lib/run-state.ts', () => {
  assert.equal(copies(/['"`]run\.json['"`]/, 'scripts/lib/run-state.ts'), []);
});

kernel('scripts and stacks wait with zx’s sleep and the one eventually of scripts/lib/check.ts, never a copy of their own', () => {
  assert.equal(copies(/\b(?:const|function)\s+(?:sleep|until|freePort|waitFor)\b|new Promise\(\s*\(?\w+\)?\s*=>\s*setTimeout\(/), []);
});

kernel.run();
