// npm test: the linter and formatter check (Biome), the unit tests (uvu; only the inject tests need
// Docker) and then every stack scenario, one after another. Ends with the line `N passed, N failed`,
// counting the lint check as one, each unit test and each stack check.
//   node dist/scripts/test.js [stack ...]   only these stacks; --unit-only skips the stacks.
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { $ } from 'zx';
import { DIST, ROOT } from './lib/config.js';
import { testStack } from './lib/lifecycle.js';
import { stackNames } from './lib/scenarios.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { 'unit-only': { type: 'boolean', default: false } } });

let passed = 0,
  failed = 0;

console.log('▶ lint and format (biome check)');
const lint = await $({ cwd: ROOT, nothrow: true, verbose: false })`npx biome check --max-diagnostics=30 .`;
if (lint.exitCode === 0) {
  passed++;
  console.log('  ✔ biome check: no lint error, every file formatted');
} else {
  failed++;
  process.stdout.write(lint.stdout + lint.stderr);
  console.log('  ✘ biome check failed: npm run format fixes formatting; lint errors need a change');
}

console.log('▶ unit tests (uvu)');
const unit = await $({ cwd: ROOT, nothrow: true, verbose: false })`npx uvu ${relative(ROOT, DIST)} ${'\\.test\\.js$'}`;
const out = unit.stdout.replace(/\x1b\[[0-9;]*m/g, '');
process.stdout.write(out);
process.stderr.write(unit.stderr);
const count = (label: string) => Number(new RegExp(`${label}:\\s+(\\d+)`).exec(out)?.[1] ?? NaN);
const [total, ok, skipped] = [count('Total'), count('Passed'), count('Skipped')];
if (Number.isNaN(total) || Number.isNaN(ok)) {
  console.log(`✘ could not read uvu's summary (exit ${unit.exitCode})`);
  failed++;
} else {
  passed += ok;
  failed += total - ok - (skipped || 0);
  if (unit.exitCode !== 0 && total === ok) failed++; // uvu failed outside any test (e.g. a file threw on import)
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
