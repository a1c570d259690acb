import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT } from '../config.js';
import { listRuns, projectOf, readRun, runDir, updateRun, writeRun, type RunRecord } from '../run-state.js';

const test = suite('run state');
// A stack name no real run has, so .state/ may hold other runs meanwhile.
const stack = `unit-${randomBytes(4).toString('hex')}`;
const made: string[] = [];
const record = (n: number, files = ['compose.yaml']): RunRecord => {
  const rec = { stack, project: `sl-${stack}-${n}`, created: `2026-01-0${n}T00:00:00.000Z`, env: { A: String(n) }, files };
  made.push(rec.project);
  return rec;
};

test.after(() => made.forEach((p) => rmSync(runDir(p), { recursive: true, force: true })));

test('a run written is read back whole, with every compose file, a --with override included', () => {
  const rec = record(1, ['compose.yaml', '/state/sl-x/attach.topz.yaml']);
  writeRun(rec);
  assert.equal(readRun(rec.project), rec);
});

test('the Compose project of a recorded run gets the stack’s directory, the recorded env and every recorded file', () => {
  const rec = record(2, ['compose.yaml', '/state/sl-x/attach.topz.yaml']);
  const p = projectOf(rec, ['baseline']);
  assert.equal(
    [p.name, p.o.cwd, p.o.files, p.o.env, p.o.profiles],
    [rec.project, join(ROOT, 'stacks', stack), rec.files, rec.env, ['baseline']],
  );
});

test('a record from before files were recorded runs the stack’s compose.yaml alone', () => {
  const rec = record(3);
  writeRun(rec);
  const { files: _, ...old } = rec;
  writeFileSync(join(runDir(rec.project), 'run.json'), JSON.stringify(old));
  assert.equal(readRun(rec.project).files, ['compose.yaml']);
});

test('a stack’s runs are listed newest first, and only that stack’s', () => {
  for (const n of [4, 6, 5]) writeRun(record(n));
  const mine = listRuns(stack).map((r) => r.project);
  assert.equal(mine.slice(0, 3), [`sl-${stack}-6`, `sl-${stack}-5`, `sl-${stack}-4`]);
  assert.ok(listRuns(`${stack}-other`).length === 0);
});

test('an update keeps what it does not change', () => {
  const rec = record(7);
  writeRun(rec);
  updateRun(rec.project, (r) => ({ ...r, env: { ...r.env, COMPOSE_PROFILES: 'baseline' } }));
  assert.equal(readRun(rec.project), { ...rec, env: { A: '7', COMPOSE_PROFILES: 'baseline' } });
});

test('reading a run that does not exist says how to start one', () => {
  assert.throws(
    () => readRun(`sl-${stack}-none`),
    /no run named sl-unit-\w+-none in \.state\/ \(start one with npm run stack:<name> -- up\)/,
  );
});

test.run();
