import { readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseMetrics } from '../../lib/metrics.js';
import { Inspector, type InspectorOptions } from '../src/inspector.js';
import { REDACTED, secretMatcher } from '../src/redact.js';
import { toPrometheus } from '../src/render.js';
import { SCHEMA } from '../src/schema.js';
import { fakeProc, type FakeProcess } from '../../lib/test-support/proc.js';
import { validate } from './validate.js';

const test = suite('inspector: snapshots, the JSON contract and metrics');

const APP: FakeProcess[] = [
  { pid: 1, comm: 'catatonit', uid: 65535, mnt: 'mnt:[1]' },
  {
    pid: 8,
    comm: 'supervisor',
    uid: 10005,
    ppid: 0,
    cmdline: ['/bin/bash', '/opt/app/supervisor', '--password=hunter2'],
    environ: ['APP_API_TOKEN=t0k', 'WORKERS=2'],
    mnt: 'mnt:[2]',
  },
  { pid: 13, comm: 'busy-worker', uid: 10005, ppid: 8, ticks: 1000, state: 'R', mnt: 'mnt:[2]' },
  { pid: 20, comm: 'topz', uid: 10004, mnt: 'mnt:[3]' },
];

function inspector(root: string, o: Partial<InspectorOptions> = {}) {
  return new Inspector({
    root,
    maxProcesses: 100,
    timeoutMs: 1000,
    cmdline: false,
    environ: false,
    isSecret: secretMatcher(),
    historyLength: 5,
    selfPid: 20,
    user: (uid) => (uid === 10004 ? 'topz' : String(uid)),
    minWindowMs: 0,
    ...o,
  });
}

test('a snapshot follows the JSON schema, hides cmdline and environ by default, and marks topz itself', () => {
  const proc = fakeProc(APP);
  try {
    const s = inspector(proc.root).snapshot();
    assert.equal(validate(s, SCHEMA as never), []);
    assert.equal(
      s.processes.map((p) => [p.pid, p.name, p.user, p.self]),
      [
        [1, 'catatonit', '65535', false],
        [8, 'supervisor', '10005', false],
        [13, 'busy-worker', '10005', false],
        [20, 'topz', 'topz', true],
      ],
    );
    assert.ok(s.processes.every((p) => !('cmdline' in p) && !('environ' in p)));
    assert.not.match(JSON.stringify(s), /hunter2|t0k/);
  } finally {
    proc.cleanup();
  }
});

test('the schema checker rejects a wrong snapshot (a positive control for the test above)', () => {
  const bad = { schema: 'topz/v1', processes: [{ pid: 0, name: 3 }] };
  assert.ok(validate(bad, SCHEMA as never).length >= 3);
});

test('with cmdline and environ shown, secrets are redacted and ordinary values stay', () => {
  const proc = fakeProc(APP);
  try {
    const s = inspector(proc.root, { cmdline: true, environ: true }).snapshot();
    const sup = s.processes.find((p) => p.name === 'supervisor')!;
    assert.equal(sup.cmdline, ['/bin/bash', '/opt/app/supervisor', `--password=${REDACTED}`]);
    assert.equal(sup.environ, { APP_API_TOKEN: REDACTED, WORKERS: '2' });
    assert.not.match(JSON.stringify(s), /hunter2|t0k/);
    assert.equal(validate(s, SCHEMA as never), []);
  } finally {
    proc.cleanup();
  }
});

test('CPU % is null on the first scan and comes from the delta on the next; sampler scans build the history', () => {
  const proc = fakeProc(APP);
  try {
    const insp = inspector(proc.root);
    assert.is(insp.snapshot({ record: true }).processes.find((p) => p.pid === 13)!.cpuPercent, null);
    proc.update({ ...APP[2]!, ticks: 1000 + 5000 }); // 50 s of CPU: far more than the elapsed time allows, so > 0
    const s = insp.snapshot({ record: true });
    const busy = s.processes.find((p) => p.pid === 13)!;
    assert.ok(busy.cpuPercent! > 0, `busy worker CPU ${busy.cpuPercent}`);
    assert.is(s.processes.find((p) => p.pid === 8)!.cpuPercent, 0);
    assert.equal(busy.cpuHistory, [busy.cpuPercent]);
  } finally {
    proc.cleanup();
  }
});

test('readable environs of other containers become warnings in the snapshot, once per process', () => {
  const proc = fakeProc(APP);
  try {
    const seen: number[] = [];
    const insp = inspector(proc.root, { onExposure: (e) => seen.push(e.pid) });
    const s = insp.snapshot();
    insp.snapshot();
    assert.equal(seen, [8], 'only the supervisor has a non-empty environ in the fixture');
    assert.is(s.warnings.length, 1);
    assert.match(s.warnings[0]!, /PID 8 \(supervisor\)/);
  } finally {
    proc.cleanup();
  }
});

test('the Prometheus text has a series per process and the scan facts', () => {
  const proc = fakeProc(APP);
  try {
    const insp = inspector(proc.root, { maxProcesses: 3 });
    insp.snapshot();
    const m = parseMetrics(toPrometheus(insp.snapshot()));
    assert.is(m.get('topz_process_resident_memory_bytes{pid="13",name="busy-worker"}'), 2048 * 1024);
    assert.is(m.get('topz_process_cpu_percent{pid="13",name="busy-worker"}'), 0);
    assert.is(m.get('topz_processes{state="R"}'), 1);
    assert.is(m.get('topz_scan_truncated'), 1);
    assert.is(m.get('topz_security_warnings'), 1);
  } finally {
    proc.cleanup();
  }
});

test('the README’s Contract section holds the schema exactly as the code defines it', () => {
  // dist/sidecars/topz/test -> the source README, without anything of the runner's.
  const readme = readFileSync(new URL('../../../../sidecars/topz/README.md', import.meta.url), 'utf8');
  assert.ok(readme.includes(`\`\`\`json\n${JSON.stringify(SCHEMA, null, 2)}\n\`\`\``), 'README schema block drifted from src/schema.ts');
});

test.run();
