// npm test: the linter and formatter check (Biome), the unused-code check (knip), the unit tests (uvu;
// the sidecars' on Bun, the rest on Node; only the inject tests need Docker) and then every stack
// scenario, one after another. Ends with the line `N passed, N failed`, counting the lint check and
// the knip check as one each, each unit test and each stack check.
//   node dist/scripts/test.js [stack ...]   only these stacks; --unit-only skips the stacks.
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { $ } from 'zx';
import { BUN_PROGRAMS } from './lib/bundle.js';
import { DIST, ROOT } from './lib/config.js';
import { testStack } from './lib/lifecycle.js';
import { stackNames } from './lib/scenarios.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { 'unit-only': { type: 'boolean', default: false } } });

let passed = 0,
  failed = 0;

/** A check of the whole tree, counted as one test: its title, its command, and what a pass and a failure say. */
async function wholeTree(title: string, command: string[], pass: string, fail: string) {
  console.log(`▶ ${title}`);
  const r = await $({ cwd: ROOT, nothrow: true, verbose: false })`${command}`;
  if (r.exitCode === 0) {
    passed++;
    console.log(`  ✔ ${pass}`);
  } else {
    failed++;
    process.stdout.write(r.stdout + r.stderr);
    console.log(`  ✘ ${fail}`);
  }
}
await wholeTree(
  'lint and format (biome check)',
  ['npx', 'biome', 'check', '--max-diagnostics=30', '.'],
  'biome check: no lint error, every file formatted',
  'biome check failed: npm run format fixes formatting; lint errors need a change',
);
await wholeTree(
  'unused code (knip)',
  [join(ROOT, 'node_modules', '.bin', 'knip'), '--no-progress'],
  'knip: no unused file, export or dependency',
  'knip found unused code: remove it, or say in knip.jsonc why it stays',
);

// Each group of unit tests runs on the runtime its code ships with: the sidecars (dist/sidecars) and the
// stacks' Bun programs (BUN_PROGRAMS) on Bun, everything else (scripts, stacks, docs tests) on Node. The
// uvu summaries add up to one count.
const uvu = join(ROOT, 'node_modules', 'uvu', 'bin.js');
const dist = relative(ROOT, DIST);
const bun = join(ROOT, 'node_modules', '.bin', 'bun');
const groups = [
  {
    what: 'scripts, stacks and docs',
    runtime: 'Node',
    bin: process.execPath,
    dir: dist,
    ignore: ['-i', '^sidecars$', ...BUN_PROGRAMS.flatMap((p) => ['-i', `^${p.dir}$`])],
  },
  { what: 'sidecars', runtime: 'Bun', bin: bun, dir: join(dist, 'sidecars'), ignore: [] },
  ...BUN_PROGRAMS.map((p) => ({ what: p.image, runtime: 'Bun', bin: bun, dir: join(dist, p.dir), ignore: [] })),
];
for (const g of groups) {
  console.log(`▶ unit tests of the ${g.what} (uvu on ${g.runtime})`);
  // Bounded: a test that hangs fails the group (no summary) instead of holding CI until its own limit.
  const unit = await $({
    cwd: ROOT,
    nothrow: true,
    verbose: false,
    timeout: '15m',
  })`${g.bin} ${uvu} ${g.dir} ${'\\.test\\.js$'} ${g.ignore}`;
  const out = unit.stdout.replace(/\x1b\[[0-9;]*m/g, '');
  process.stdout.write(out);
  process.stderr.write(unit.stderr);
  const count = (label: string) => Number(new RegExp(`${label}:\\s+(\\d+)`).exec(out)?.[1] ?? NaN);
  const [total, ok, skipped] = [count('Total'), count('Passed'), count('Skipped')];
  if (Number.isNaN(total) || Number.isNaN(ok)) {
    console.log(`✘ could not read uvu's summary (${g.runtime}, exit ${unit.exitCode})`);
    failed++;
  } else {
    passed += ok;
    failed += total - ok - (skipped || 0);
    if (unit.exitCode !== 0 && total === ok) failed++; // uvu failed outside any test (e.g. a file threw on import)
  }
}

if (!values['unit-only']) {
  for (const stack of positionals.length ? positionals : stackNames()) {
    const results = await testStack(stack);
    passed += results.filter((r) => r.ok).length;
    failed += results.filter((r) => !r.ok).length;
  }
}

console.log(`\n${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 && passed > 0 ? 0 : 1;
