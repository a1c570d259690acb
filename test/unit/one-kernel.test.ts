// One kernel per job: the runner's, the benches' and the tests' shared jobs each have one implementation.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { code, read, tsFiles } from './sources.js';
import { kernelCopies } from './waits.js';

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
    for (const bench of ['scripts/bench/driver.ts', 'stacks/config/bench.ts', 'stacks/paas/bench.ts', 'stacks/topz/bench.ts']) {
      const src = read(bench);
      assert.ok(
        /\bBenchClock\b/.test(src) && /(?:scripts\/bench|\.)\/section\.js/.test(src),
        `${bench} states its conditions with BenchClock and writes through section.ts`,
      );
    }
    for (const bench of ['stacks/https/bench.ts', 'stacks/mesh/bench.ts'])
      assert.match(read(bench), /\brunPodBench\(/, `${bench} runs through the one pinned-pod driver, scripts/bench/driver.ts`);
  },
);

kernel('run.json is named, written and read only by scripts/lib/run-state.ts', () => {
  assert.equal(copies(/['"`]run\.json['"`]/, 'scripts/lib/run-state.ts'), []);
});

kernel(
  'every waiting kernel has one home (until, freePort, quietFor and within in sidecars/lib/test-support/wait.ts; eventually and throughout in scripts/lib/check.ts), and no script, stack or test has a sleep of its own',
  () => {
    const all = Object.fromEntries(tsFiles().map((f) => [f, read(f)]));
    const found = kernelCopies(all);
    assert.equal(found, [], `copies of a waiting kernel (import the one named in test/unit/waits.ts instead):\n  ${found.join('\n  ')}\n`);
  },
);

kernel(
  'the kernel scan finds a copied until, freePort or sleep in a made-up tree, and not a variable named until or a sidecar’s own pause',
  () => {
    const made = {
      'sidecars/lib/test-support/wait.ts': 'export async function until() {}\nconst pause = (ms) => new Promise((r) => setTimeout(r, ms));',
      'sidecars/x/test/a.test.ts': 'async function until(what, fn) {}\nconst until2 = 1;\nconst until = s.ejectedUntil;',
      'sidecars/x/test/fake.ts': 'class F {\n  async until(n: number): Promise<void> {\n  }\n}\nexport const freePort = () => 0;',
      'sidecars/x/src/retry.ts': 'const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));',
      'stacks/y/collector/test/main.test.ts': 'const delay = async (ms) => { await new Promise((res) => setTimeout(res, ms)); };',
      'scripts/lib/z.ts': "const child = 'function until() {}';",
      'scripts/lib/w.ts': 'await new Promise((r) => setTimeout(r, 10));',
    };
    assert.equal(kernelCopies(made), [
      'sidecars/x/test/a.test.ts: function until',
      'sidecars/x/test/fake.ts: async until(n: number): Promise<void> {',
      'sidecars/x/test/fake.ts: const freePort = () =>',
      'stacks/y/collector/test/main.test.ts: const delay = async (ms) =>',
      'scripts/lib/w.ts: new Promise((r) => setTimeout(r,',
    ]);
  },
);

kernel.run();
