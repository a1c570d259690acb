// npm test: every test, on a machine with nothing built yet. Builds what it needs itself: the images through
// the one image builder, while the checks that need no Docker engine run alongside (lint, unused code, the
// unit tests on Node and on Bun); then the unit tests that need Docker, every stack scenario, every break-it
// exercise (`test --break NAME`: its check must turn red) and every lesson's exercise proof (each exercise
// solved, checked, reset and checked again in a copy of the tree): the stacks whose scenario says `alone`, and
// their proofs, by themselves, the rest two at a time on this 2-core machine (never two heavy ones together:
// scripts/lib/schedule.ts). Prints how long each part took (docs/test-times.md keeps that table), then `N passed,
// N failed`, counting the lint and unused-code checks and the image build as one each, each unit test and each
// stack check. `--exercises` (npm run test:exercises) runs the image build and the exercise proofs alone, for
// the lessons named or all of them.
//   node dist/scripts/test.js [stack ...] [--jobs N] [--unit-only | --exercises]
//   only these stacks; N parts that need the engine at a time (default: 2, or 1 on one core); no stacks;
//   the exercise proofs only.
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { $ } from 'zx';
import { DIST, ROOT } from './lib/config.js';
import { DESKTOP_STACKS, hostRuns, runDesktopPart } from './lib/desktop-runner.js';
import { breakStacks, loadBreaks, loadScenario, stackNames } from './lib/scenarios.js';
import { schedule } from './lib/schedule.js';
import {
  type Count,
  commandCheck,
  lastTimes,
  PARTS,
  part,
  runBreaks,
  runGroup,
  runStack,
  type Timed,
  timesTable,
  unitGroups,
} from './lib/test-run.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'unit-only': { type: 'boolean', default: false },
    exercises: { type: 'boolean', default: false },
    jobs: { type: 'string', default: String(Math.min(2, availableParallelism())) },
  },
});
if (!/^[1-4]$/.test(values.jobs)) {
  console.error(`--jobs ${values.jobs}: give a whole number from 1 to 4 (how many stacks run side by side)`);
  process.exit(2);
}
if (values.exercises && values['unit-only']) {
  console.error('--exercises and --unit-only: give one of them (the exercise proofs need the engine)');
  process.exit(2);
}
const groups = unitGroups();
const proofsOnly = values.exercises;
const known = proofsOnly ? groups.exercises.map((g) => g.stack) : stackNames();
const unknown = positionals.filter((s) => !known.includes(s));
if (unknown.length) {
  console.error(`${unknown.join(', ')}: not a stack${proofsOnly ? ' with exercises' : ''}; choose from ${known.join(', ')}`);
  process.exit(2);
}

// The image build mostly waits on apt and disk; the checks beside it need no engine. They run as two chains side
// by side: the unit tests mostly wait on timers, processes and sockets (one after the other, the Node and Bun
// groups kept the 2 cores 20-60% busy), and the two groups share no file.
const alongside = async (): Promise<Timed[]> => {
  if (proofsOnly) return [];
  const checks = async (): Promise<Timed[]> => [
    await part(PARTS.lint, (log) =>
      commandCheck(
        log,
        ['npx', 'biome', 'check', '--max-diagnostics=30', '.'],
        'biome check: no lint error, every file formatted',
        'biome check failed: npm run format fixes formatting; lint errors need a change',
      ),
    ),
    await part(PARTS.knip, (log) =>
      commandCheck(
        log,
        [join(ROOT, 'node_modules', '.bin', 'knip'), '--no-progress'],
        'knip: no unused file, export or dependency',
        'knip found unused code: remove it, or say in knip.jsonc why it stays',
      ),
    ),
    await part(PARTS.node, (log) => runGroup(groups.node, log)),
  ];
  const bunUnits = async (): Promise<Timed[]> => {
    const done: Timed[] = [];
    for (const g of groups.bun) done.push(await part(g.name, (log) => runGroup(g, log)));
    return done;
  };
  return (await Promise.all([checks(), bunUnits()])).flat();
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

// Then the parts that need the engine, the longest first (by docs/test-times.md): a stack whose scenario says
// it must run `alone` has the machine to itself; the others run JOBS at a time, each with its own project,
// network and ephemeral ports, so two never meet. The heavy ones come first: they run one at a time, so they
// are the longest chain (about as long as all the light parts together), and started first the light parts fill
// the other slot beside them, rather than the heavy ones running last with one slot idle.
const stacks = values['unit-only'] || proofsOnly ? [] : positionals.length ? positionals : stackNames();
const seconds = lastTimes();
type EnginePart = { name: string; alone?: string; heavy?: boolean; run: (log: (t: string) => void) => Promise<Count> };
// The break-it exercises of the stacks chosen: each its own run with one check. Those of a stack that must run
// alone are a heavy part: it brings such a stack up, but its one check must fail, and fails the same beside a
// light part, so it never runs beside another heavy one (scripts/lib/schedule.ts) rather than alone.
const breakParts: EnginePart[] = [];
for (const alone of [true, false]) {
  const chosen: { stack: string; name: string }[] = [];
  for (const s of breakStacks().filter((n) => stacks.includes(n)))
    if (Boolean((await loadScenario(s)).alone) === alone) chosen.push(...(await loadBreaks(s)).map((b) => ({ stack: s, name: b.name })));
  if (chosen.length)
    breakParts.push({
      name: PARTS.breaks(alone),
      heavy: alone,
      run: (log) => runBreaks(chosen, log),
    });
}
const engineParts: EnginePart[] = [
  ...breakParts,
  ...(proofsOnly ? [] : groups.docker.map((g) => ({ name: g.name, run: (log: (t: string) => void) => runGroup(g, log) }))),
  ...(proofsOnly ? [] : [{ name: PARTS.browser, run: (log: (t: string) => void) => runGroup(groups.browser, log) }]),
  // Each lesson's exercises proven, as a part of its own (of the stacks named, when some are). The proof of a stack
  // that runs alone (mesh, logs) has the machine to itself: beside another part, config's proof took 743 s beside
  // mesh's (286 s alone) and a check of logs' missed its 60 s window. Another lesson's proof is a heavy part: it
  // waits on health checks more than it computes (https's kept 27% of the 2 cores busy, config's 38%; the two side
  // by side took 133 and 185 s, 124 and 198 s apart), so it runs beside a light part, never beside another heavy one.
  ...(await Promise.all(
    groups.exercises
      .filter((g) => !values['unit-only'] && (!positionals.length || positionals.includes(g.stack)))
      .map(async (g) => {
        const alone = (await loadScenario(g.stack)).alone;
        return { name: g.name, ...(alone ? { alone } : { heavy: true }), run: (log: (t: string) => void) => runGroup(g, log) };
      }),
  )),
  // The https, topz and patterns stacks from a container that sees the engine as Docker Desktop's runner does: a
  // part per stack, so that each packs beside another part. topz and patterns run only there (hostRuns).
  ...(stacks.length && !positionals.length && !proofsOnly
    ? DESKTOP_STACKS.map((s) => ({ name: PARTS.desktop(s), run: (log: (t: string) => void) => runDesktopPart(log, [s]) }))
    : []),
  ...(await Promise.all(
    (positionals.length ? stacks : hostRuns(stacks)).map(async (s) => ({
      name: PARTS.stack(s),
      alone: (await loadScenario(s)).alone,
      run: (log: (t: string) => void) => runStack(s, log),
    })),
  )),
];
engineParts.sort((a, b) => Number(Boolean(b.heavy)) - Number(Boolean(a.heavy)) || (seconds[b.name] ?? 60) - (seconds[a.name] ?? 60));
const [alone, shared] = [engineParts.filter((p) => p.alone), engineParts.filter((p) => !p.alone)];
console.log(
  `\n▶ alone: ${alone.map((p) => p.name).join(', ') || 'none'}; then ${values.jobs} at a time: ${shared.map((p) => p.name).join(', ')}`,
);
const later: Timed[] = [];
for (const p of alone) later.push(await part(p.name, p.run));
later.push(
  ...(await schedule(
    shared.map((p) => ({ heavy: p.heavy, run: () => part(p.name, p.run) })),
    Number(values.jobs),
  )),
);
const rows: Timed[] = [images, ...early, ...later];

const runsAlongside = Object.fromEntries([
  [PARTS.images, 'the lint and unit parts before the Docker ones'],
  ...early.map((r) => [r.part, 'the image build and the other early parts']),
  ...later.map((r) => [
    r.part,
    alone.some((p) => p.name === r.part) || Number(values.jobs) < 2 ? '—' : 'another part that needs the engine',
  ]),
]);
console.log(`\nhow long each part took (docs/test-times.md):\n${timesTable(rows, runsAlongside)}`);
const failures = rows.flatMap((r) => r.failures.map((f) => `[${r.part}] ${f}`));
if (failures.length) console.log(`\nwhat failed (each part's output above has it whole):\n${failures.slice(0, 20).join('\n')}`);
if (failures.length > 20) console.log(`… and ${failures.length - 20} more`);
const passed = rows.reduce((n, r) => n + r.passed, 0);
const failed = rows.reduce((n, r) => n + r.failed, 0);
console.log(`\n${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 && passed > 0 ? 0 : 1;
