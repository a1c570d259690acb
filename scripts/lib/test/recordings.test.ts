// The recording of each stack run (.state/runs/): what a passing and a failing run record, that only
// the newest KEEP_RUNS are kept, that a reader never sees half a file, and that a file which is not a
// recording is skipped, never fatal. Each test writes into a directory of its own.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CheckFailure, type CheckResult } from '../check.js';
import type { DockerEvent } from '../docker.js';
import { recordingOf } from '../record-run.js';
import { KEEP_RUNS, listRecordings, RUNS_DIR, readRecording, type Recording, saveRecording } from '../recordings.js';
import { listRuns } from '../run-state.js';
import { until, within } from '../../../sidecars/lib/test-support/wait.js';

const test = suite('run recordings');
const dirs: string[] = [];
const fresh = () => {
  const d = mkdtempSync(join(tmpdir(), 'sl-runs-'));
  dirs.push(d);
  return d;
};
test.after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const T0 = Date.parse('2026-03-01T10:00:00.000Z');
const events: DockerEvent[] = [
  { status: 'start', service: 'app', time: T0 + 3000, container: 'sl-https-0a0b0c-app-1' },
  { status: 'create', service: 'tls-proxy', time: T0, container: 'sl-https-0a0b0c-tls-proxy-1' },
  { status: 'health_status: healthy', service: 'tls-proxy', time: T0 + 2000, container: 'sl-https-0a0b0c-tls-proxy-1' },
  { status: 'die', service: 'app', time: T0 + 9000, container: 'sl-https-0a0b0c-app-1', detail: '137' },
  { status: 'kill', service: 'app', time: T0 + 8000, detail: 'SIGKILL' },
];
const passing: CheckResult[] = [
  { name: 'the app answers through the sidecar', ok: true, ms: 12 },
  { name: 'the app shares the pod network', ok: true, ms: 40, skipped: 'no /proc here' },
];

const rec = (project: string, started: number, results = passing): Recording =>
  recordingOf({ stack: 'https', project, started, ended: started + 60_000, events, results });

test('a passing run is recorded with its events in time order, each with its action, detail and container, and its checks', () => {
  const dir = fresh();
  const file = saveRecording(rec('sl-https-0a0b0c', T0), dir);
  assert.equal(file, join(dir, 'sl-https-0a0b0c.json'));
  const back = readRecording('sl-https-0a0b0c', dir)!;
  assert.equal(
    [back.version, back.stack, back.project, back.started, back.ended],
    [1, 'https', 'sl-https-0a0b0c', '2026-03-01T10:00:00.000Z', '2026-03-01T10:01:00.000Z'],
  );
  assert.equal(
    back.events.map((e) => [e.time - T0, e.service, e.action, e.detail ?? null, e.container]),
    [
      [0, 'tls-proxy', 'create', null, 'sl-https-0a0b0c-tls-proxy-1'],
      [2000, 'tls-proxy', 'health_status', 'healthy', 'sl-https-0a0b0c-tls-proxy-1'],
      [3000, 'app', 'start', null, 'sl-https-0a0b0c-app-1'],
      [8000, 'app', 'kill', 'SIGKILL', 'app'],
      [9000, 'app', 'die', '137', 'sl-https-0a0b0c-app-1'],
    ],
  );
  assert.equal(back.checks, [
    { name: 'the app answers through the sidecar', ok: true, ms: 12 },
    { name: 'the app shares the pod network', ok: true, ms: 40, skipped: 'no /proc here' },
  ]);
  assert.equal(listRecordings(dir), [
    { project: 'sl-https-0a0b0c', stack: 'https', started: back.started, ended: back.ended, passed: 1, failed: 1 - 1, skipped: 1 },
  ]);
});

test('a failing run records what each failed check expected and received, as the runner prints them, and a bring-up error', () => {
  const dir = fresh();
  const results: CheckResult[] = [
    { name: 'status', ok: false, ms: 5, error: new CheckFailure('the status', 200, 502) },
    { name: 'headers', ok: false, ms: 6, error: new CheckFailure('the headers', { hsts: 'max-age=63072000' }, 'none') },
    { name: 'https: bring-up', ok: false, ms: 0, error: new Error('port in use') },
  ];
  saveRecording(rec('sl-https-1a2b3c', T0, results), dir);
  const back = readRecording('sl-https-1a2b3c', dir)!;
  assert.equal(back.checks, [
    { name: 'status', ok: false, ms: 5, error: 'the status', expected: '200', received: '502' },
    { name: 'headers', ok: false, ms: 6, error: 'the headers', expected: "{ hsts: 'max-age=63072000' }", received: 'none' },
    { name: 'https: bring-up', ok: false, ms: 0, error: 'port in use' },
  ]);
  assert.equal(
    listRecordings(dir).map((s) => [s.passed, s.failed, s.skipped]),
    [[0, 3, 0]],
  );
});

test(`only the newest ${KEEP_RUNS} recordings are kept, by start time, whatever order they are written in`, () => {
  const dir = fresh();
  const order = Array.from({ length: KEEP_RUNS + 7 }, (_, i) => (i * 11) % (KEEP_RUNS + 7));
  for (const i of order) saveRecording(rec(`sl-https-${(0xa00000 + i).toString(16)}`, T0 + i * 60_000), dir);
  const kept = listRecordings(dir);
  assert.is(kept.length, KEEP_RUNS);
  assert.equal(
    kept.map((s) => s.project),
    Array.from({ length: KEEP_RUNS }, (_, i) => `sl-https-${(0xa00000 + KEEP_RUNS + 6 - i).toString(16)}`),
  );
  assert.is(readdirSync(dir).length, KEEP_RUNS, 'no file but the kept recordings, no temporary file left');
  saveRecording(rec('sl-https-ffffff', T0 - 1), dir, 3);
  assert.equal(
    readdirSync(dir).sort(),
    ['sl-https-a0001a.json', 'sl-https-a00019.json', 'sl-https-a00018.json'].sort(),
    'an older run written last is itself pruned',
  );
});

test('a corrupt, half-written, foreign or unknown-version file is skipped by readers and never throws', () => {
  const dir = fresh();
  saveRecording(rec('sl-https-0a0b0c', T0), dir);
  const whole = JSON.stringify(rec('sl-https-111111', T0 + 1));
  const bad: Record<string, string> = {
    'sl-https-111111.json': whole.slice(0, whole.length / 2),
    'sl-https-222222.json': JSON.stringify({ ...rec('sl-https-222222', T0), version: 2 }),
    'sl-https-333333.json': JSON.stringify(rec('sl-https-444444', T0)),
    'sl-https-555555.json': JSON.stringify({ ...rec('sl-https-555555', T0), events: [{ time: 'soon' }] }),
    'sl-https-666666.json': 'null',
    'notes.json': JSON.stringify(rec('sl-https-0a0b0c', T0)),
    'README.txt': 'not a recording',
  };
  for (const [f, text] of Object.entries(bad)) writeFileSync(join(dir, f), text);
  mkdirSync(join(dir, 'sl-https-777777.json'));
  assert.equal(
    listRecordings(dir).map((s) => s.project),
    ['sl-https-0a0b0c'],
  );
  for (const p of [
    'sl-https-111111',
    'sl-https-222222',
    'sl-https-333333',
    'sl-https-555555',
    'sl-https-666666',
    'sl-https-777777',
    '../x',
    'sl-https-0a0b0',
  ])
    assert.is(readRecording(p, dir), undefined, p);
  assert.equal(listRecordings(join(dir, 'none')), [], 'no directory yet: no recordings');
  try {
    saveRecording({ ...rec('sl-https-0a0b0c', T0), project: '../escape' }, dir);
    assert.unreachable('a name that is not a runner project is refused');
  } catch (e) {
    assert.match((e as Error).message, /not a runner project name/);
  }
});

test('a reader never sees half a recording while it is rewritten again and again', async () => {
  const dir = fresh();
  const big = (n: number) => ({
    ...rec('sl-https-0a0b0c', T0 + n),
    events: Array.from({ length: 1000 }, (_, i) => ({ time: T0 + i, service: `s${n}`, container: 'c', action: 'start' })),
  });
  saveRecording(big(0), dir);
  // A reader in another thread reads the file as fast as it can, counting its reads and the torn ones
  // in shared memory, until told to stop.
  const counts = new Int32Array(new SharedArrayBuffer(12));
  const reader = new Worker(
    `const { workerData: { file, counts } } = require('node:worker_threads');
     const { readFileSync } = require('node:fs');
     while (Atomics.load(counts, 2) === 0) {
       try { if (JSON.parse(readFileSync(file, 'utf8')).events.length !== 1000) Atomics.add(counts, 1, 1); }
       catch { Atomics.add(counts, 1, 1); }
       Atomics.add(counts, 0, 1);
     }`,
    { eval: true, workerData: { file: join(dir, 'sl-https-0a0b0c.json'), counts } },
  );
  const exited = new Promise((resolve) => reader.once('exit', resolve));
  await until('the reader to read', () => Atomics.load(counts, 0) > 0, 10_000);
  const from = Atomics.load(counts, 0);
  let writes = 0;
  for (const end = Date.now() + 10_000; Date.now() < end && Atomics.load(counts, 0) - from < 500; writes++)
    saveRecording(big(writes % 2), dir);
  Atomics.store(counts, 2, 1);
  await within(10_000, 'the reader to stop', exited);
  const [reads, torn] = [Atomics.load(counts, 0) - from, Atomics.load(counts, 1)];
  assert.ok(reads >= 100 && writes >= 10, `${reads} reads while ${writes} writes`);
  assert.is(torn, 0, `torn reads of ${reads}`);
  assert.equal(readdirSync(dir), ['sl-https-0a0b0c.json']);
});

test('the run list of .state/ is unchanged by the recordings beside the runs', () => {
  mkdirSync(RUNS_DIR, { recursive: true });
  assert.ok(listRuns().every((r) => r.project !== 'runs'));
});

test.run();
