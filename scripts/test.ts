// npm test: every test, on a machine with nothing built yet. Builds what it needs itself: the images through
// the one image builder, while the checks that need no Docker engine run alongside (lint, unused code, the
// unit tests on Node and on Bun); then the unit tests that need Docker, then every stack scenario, one after
// another. Prints how long each part took (docs/test-times.md keeps that table), then `N passed, N failed`,
// counting the lint and unused-code checks and the image build as one each, each unit test and each stack check.
//   node dist/scripts/test.js [stack ...]   only these stacks; --unit-only skips the stacks.
import { parseArgs } from 'node:util';
import { $ } from 'zx';
import { DIST } from './lib/config.js';
import { testStack } from './lib/lifecycle.js';
import { stackNames } from './lib/scenarios.js';
import { commandCheck, PARTS, part, runGroup, type Timed, timesTable, unitGroups } from './lib/test-run.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { 'unit-only': { type: 'boolean', default: false } } });
const groups = unitGroups();

// The image build mostly waits on apt and disk; the checks beside it need no engine.
const alongside = async (): Promise<Timed[]> => {
  const done: Timed[] = [];
  done.push(
    await part(PARTS.lint, (log) =>
      commandCheck(
        log,
        ['npx', 'biome', 'check', '--max-diagnostics=30', '.'],
        'biome check: no lint error, every file formatted',
        'biome check failed: npm run format fixes formatting; lint errors need a change',
      ),
    ),
  );
  done.push(await part(PARTS.node, (log) => runGroup(groups.node, log)));
  for (const g of groups.bun) done.push(await part(g.name, (log) => runGroup(g, log)));
  return done;
};
const buildImages = () =>
  part(PARTS.images, async (log) => {
    const r = await $({ nothrow: true, quiet: true, verbose: false })`node ${`${DIST}/scripts/images.js`}`;
    log(r.stdout + r.stderr);
    if (r.exitCode !== 0) throw new Error(`the image build failed (exit ${r.exitCode})`);
    log('  ✔ every catalogue image is built\n');
    return { passed: 1, failed: 0 };
  });

const [images, early] = await Promise.all([buildImages(), alongside()]);
const rows: Timed[] = [images, ...early];
rows.push(await part(PARTS.docker, (log) => runGroup(groups.docker, log)));

if (!values['unit-only']) {
  for (const stack of positionals.length ? positionals : stackNames()) {
    const t0 = Date.now();
    const results = await testStack(stack);
    const failed = results.filter((r) => !r.ok).length;
    rows.push({ part: PARTS.stack(stack), seconds: Math.round((Date.now() - t0) / 1000), passed: results.length - failed, failed });
  }
}

const runsAlongside = Object.fromEntries([
  [PARTS.images, 'the lint and unit parts before the Docker ones'],
  ...early.map((r) => [r.part, PARTS.images]),
]);
console.log(`\nhow long each part took (docs/test-times.md):\n${timesTable(rows, runsAlongside)}`);
const passed = rows.reduce((n, r) => n + r.passed, 0);
const failed = rows.reduce((n, r) => n + r.failed, 0);
console.log(`\n${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 && passed > 0 ? 0 : 1;
