// The Processes view's data: the processes in one pod's PID namespace, read from a /proc tree, with their
// command lines redacted by topz's rules; GET /api/processes refuses a container that is not ours.
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { podProcesses } from '../lab/processes.js';

const test = suite('lab: processes');
const proc = mkdtempSync(join(tmpdir(), 'lab-procs-'));

/** A fake /proc/<pid>: its PID namespace, stat, status (with NSpid) and command line. */
function process(pid: number, o: { ns: number; podPid: number; ppid: number; comm: string; argv: string[] }) {
  const dir = join(proc, String(pid));
  mkdirSync(join(dir, 'ns'), { recursive: true });
  symlinkSync(`pid:[${o.ns}]`, join(dir, 'ns', 'pid'));
  const fields = ['S', o.ppid, ...Array(16).fill(0), 1, 0, 100];
  writeFileSync(join(dir, 'stat'), `${pid} (${o.comm}) ${fields.join(' ')}\n`);
  writeFileSync(join(dir, 'status'), `Name:\t${o.comm}\nUid:\t1000\t1000\t1000\t1000\nVmRSS:\t    2048 kB\nNSpid:\t${pid}\t${o.podPid}\n`);
  writeFileSync(join(dir, 'cmdline'), `${o.argv.join('\0')}\0`);
  writeFileSync(join(dir, 'environ'), 'DB_PASSWORD=hunter2\0');
}

process(100, { ns: 7, podPid: 1, ppid: 0, comm: 'pause', argv: ['/pause'] });
process(101, { ns: 7, podPid: 7, ppid: 0, comm: 'mysqld', argv: ['mysqld', '--user=app', '--password=hunter2'] });
process(102, { ns: 7, podPid: 9, ppid: 0, comm: 'sh', argv: ['sh', '-c', 'curl -u admin:s3cret http://db/'] });
process(200, { ns: 8, podPid: 1, ppid: 0, comm: 'other', argv: ['other', '--token', 'abc'] });
mkdirSync(join(proc, 'self'));

test("a pod's processes are exactly those in its owner's PID namespace, with the pod's pids and redacted command lines", () => {
  const r = podProcesses(100, proc);
  assert.equal(
    r.processes.map((p) => [p.pid, p.podPid, p.name]),
    [
      [100, 1, 'pause'],
      [101, 7, 'mysqld'],
      [102, 9, 'sh'],
    ],
  );
  assert.equal([r.skipped, r.truncated], [0, false]);
  const text = JSON.stringify(r);
  assert.not.match(text, /hunter2|s3cret/);
  assert.equal(r.processes[1]!.args, ['mysqld', '--user=app', '--password=<redacted>']);
  assert.equal([r.processes[1]!.uid, r.processes[1]!.rssBytes, r.processes[1]!.state], [1000, 2048 * 1024, 'S']);
});

test('a pod with more processes than the limit says it is truncated; one whose owner is gone has none', () => {
  const r = podProcesses(100, proc, 2);
  assert.equal([r.processes.length, r.truncated], [2, true]);
  assert.equal(podProcesses(999, proc), { processes: [], skipped: 0, truncated: false });
  assert.equal(podProcesses(0, proc), { processes: [], skipped: 0, truncated: false });
});

test.run();
