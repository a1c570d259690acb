// failureLines: what `npm test` repeats under its table, so that the end of a long CI log names each failure.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { failureLines } from '../test-run.js';

const test = suite('the failures npm test repeats at its end');

const STACK_RUN = [
  '▶ paas: test',
  '  ✔ 1. the site is served (12 ms)',
  '  ✘ 2. a push deploys the new site (30012 ms)',
  '      the page never changed',
  '      EXPECTED: "v2"',
  '      RECEIVED: "v1"',
  '  ✔ 3. the app restarts alone (40 ms)',
  'paas: 2 passed, 1 failed',
].join('\n');

test('a failed check is named with its message, EXPECTED and RECEIVED, and nothing after them', () => {
  const found = failureLines(STACK_RUN);
  assert.is(found.length, 1);
  assert.is(
    found[0],
    '  ✘ 2. a push deploys the new site (30012 ms)\n      the page never changed\n      EXPECTED: "v2"\n      RECEIVED: "v1"',
  );
});

test('each failure of uvu and each of the runner is found, in order', () => {
  const text = [
    '  FAIL  "freePort"  "never hands a port out twice"',
    '    Expected values to be strictly equal:',
    'Total:     10',
    '✘ logs: the runner ended without its summary (exit 1)',
  ].join('\n');
  assert.equal(failureLines(text), [
    '  FAIL  "freePort"  "never hands a port out twice"\n    Expected values to be strictly equal:',
    '✘ logs: the runner ended without its summary (exit 1)',
  ]);
});

test('a long stack trace is cut after the lines asked for', () => {
  const text = ['  ✘ 1. x (1 ms)', ...Array.from({ length: 10 }, (_, i) => `      at frame ${i}`)].join('\n');
  assert.is(failureLines(text, 2)[0]!.split('\n').length, 3);
});

test('output with no failure gives none', () => {
  assert.equal(failureLines('  ✔ 1. the site is served (12 ms)\nTotal: 3\nPassed: 3'), []);
});

test.run();
