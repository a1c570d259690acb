// docs/test-times.md keeps how long each part of `npm test` takes: one row for every part that scripts/test.ts
// runs, no more, no less, so a new part (a stack, a unit group, a tool) cannot land without its row.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT } from '../../scripts/lib/config.js';
import { DESKTOP_STACKS, hostRuns } from '../../scripts/lib/desktop-runner.js';
import { stackNames } from '../../scripts/lib/scenarios.js';
import { PARTS, timesTable, unitGroups } from '../../scripts/lib/test-run.js';
import { tsFiles } from './sources.js';

const test = suite('test times (docs/test-times.md)');

/** Every part npm test runs, by name. */
function parts(): string[] {
  const g = unitGroups();
  return [
    PARTS.images,
    PARTS.lint,
    PARTS.knip,
    g.node.name,
    ...g.bun.map((b) => b.name),
    ...g.docker.map((d) => d.name),
    ...g.exercises.map((e) => e.name),
    g.browser.name,
    ...DESKTOP_STACKS.map(PARTS.desktop),
    ...hostRuns(stackNames()).map(PARTS.stack),
    PARTS.breaks(true),
    PARTS.breaks(false),
  ];
}

/** The first column of the doc's table of parts (the one under "| part |", to the blank line that ends it). */
function rows(doc: string): string[] {
  const from = doc.slice(doc.indexOf('| part |'));
  const table = from.slice(0, (from.indexOf('\n\n') + 1 || from.length + 1) - 1);
  return [...table.matchAll(/^\| ([^|]+?) \| *\d+ *\|/gm)].map((m) => m[1]!);
}

test('the table has exactly one row for each part npm test runs', () => {
  const doc = readFileSync(join(ROOT, 'docs', 'test-times.md'), 'utf8');
  assert.equal(rows(doc).sort(), parts().sort());
});

test('the table npm test prints is the one the doc is read with', () => {
  const printed = timesTable([{ part: 'stack: x', seconds: 12, passed: 3, failed: 0, failures: [] }], {});
  assert.equal(rows(printed), ['stack: x']);
});

test('a unit test file that starts containers or builds images is named .docker.test.ts, so it runs after the images are built', () => {
  // test/unit/no-pull.test.ts is left out: it feeds its scan examples of docker run as text.
  const tests = tsFiles(['scripts', 'stacks', 'test']).filter(
    (f) => f.endsWith('.test.ts') && !f.endsWith('.docker.test.ts') && f !== 'test/unit/no-pull.test.ts',
  );
  const docker = tests.filter((f) =>
    /\bbuildFor\(|\.up\(|\brunOnce\(|`docker (?:run|create|exec|build)\b/.test(readFileSync(join(ROOT, f), 'utf8')),
  );
  assert.equal(docker, []);
});

test.run();
