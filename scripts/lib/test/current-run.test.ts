// Which recorded run a verb acts on: the stack's own files (with or without attached sidecars), a run with given
// sidecars attached, another file's run only by that file, and a project by its name.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { chosen } from '../current-run.js';
import type { RunRecord } from '../run-state.js';

const test = suite('current run');
const rec = (project: string, files: string[], attached?: string[]): RunRecord => ({
  stack: 'https',
  project,
  created: '',
  env: {},
  files,
  ...(attached
    ? { attached: Object.fromEntries(attached.map((n) => [n, { ports: {}, dirs: {}, mounts: {}, inputs: {}, members: [] }])) }
    : {}),
});
const own = ['compose.yaml'];
const runs = [
  rec('plain', ['compose.yaml']),
  rec('with-topz', ['compose.yaml', '/state/with-topz/attach.topz.yaml'], ['topz']),
  rec('naive', ['compose.naive.yaml']),
  rec('with-both', ['compose.yaml', '/state/with-both/attach.topz+tls-proxy.yaml'], ['topz', 'tls-proxy']),
];
const pick = (choice = {}) => runs.filter((r) => chosen(r, own, choice)).map((r) => r.project);

test('without a choice, a run of the stack’s own files counts, with attached sidecars too, and another file’s run does not', () => {
  assert.equal(pick(), ['plain', 'with-topz', 'with-both']);
});

test('with sidecars named, only a run of the stack’s own files with exactly those attached counts', () => {
  assert.equal(pick({ with: ['topz'] }), ['with-topz']);
  assert.equal(pick({ with: ['topz', 'tls-proxy'] }), ['with-both']);
  assert.equal(pick({ with: ['tls-proxy'] }), []);
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
