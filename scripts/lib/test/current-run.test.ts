// Which recorded run a verb acts on: the stack's own files (with or without attached sidecars), another file's
// run only by that file, and a project by its name.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { chosen } from '../current-run.js';
import type { RunRecord } from '../run-state.js';

const test = suite('current run');
const rec = (project: string, files: string[]): RunRecord => ({ stack: 'https', project, created: '', env: {}, files });
const own = ['compose.yaml'];
const runs = [
  rec('plain', ['compose.yaml']),
  rec('with-topz', ['compose.yaml', '/state/with-topz/attach.yaml']),
  rec('naive', ['compose.naive.yaml']),
];
const pick = (choice = {}) => runs.filter((r) => chosen(r, own, choice)).map((r) => r.project);

test('without a choice, a run of the stack’s own files counts, with attached sidecars too, and another file’s run does not', () => {
  assert.equal(pick(), ['plain', 'with-topz']);
});

test('--file picks only the runs started from that file alone', () => {
  assert.equal(pick({ file: 'compose.naive.yaml' }), ['naive']);
  assert.equal(pick({ file: 'compose.yaml' }), ['plain']);
});

test('--project picks that run whatever its files', () => {
  assert.equal(pick({ project: 'naive' }), ['naive']);
  assert.equal(pick({ project: 'nope' }), []);
});

test.run();
