import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fakeProc, type FakeProc } from '../../lib/test-support/proc.js';
import { catches, findProc, namesOf, readProc, stillSame } from '../src/procs.js';
import { until } from '../../lib/test-support/wait.js';

interface Ctx {
  proc: FakeProc;
  root: string;
}
const test = suite<Ctx>('process lookup', {} as Ctx);
test.before.each((ctx) => {
  ctx.proc = fakeProc();
  ctx.root = ctx.proc.root;
});
test.after.each((ctx) => ctx.proc.cleanup());

test('a process answers to its command name, its program and (for an interpreter) its script', ({ proc, root }) => {
  proc.add({ pid: 10, comm: 'python3', cmdline: ['/usr/bin/python3', '-u', '/opt/app/config-hup.py', '--port', '8080'] });
  assert.equal(namesOf(readProc(10, root)!), ['python3', 'python3', 'config-hup.py']);
});

test('stat is parsed even when the command name holds spaces and parentheses', ({ proc, root }) => {
  proc.add({ pid: 11, comm: 'my (odd) app', cmdline: ['x'], startTicks: 4242 });
  const p = readProc(11, root)!;
  assert.equal([p.comm, p.startTicks], ['my (odd) app', 4242]);
});

test('exactly one match is found; none and several are told apart; the caller itself never matches', ({ proc, root }) => {
  proc.add({ pid: 1, comm: 'catatonit', cmdline: ['catatonit', '-P'] });
  proc.add({ pid: 20, comm: 'node', cmdline: ['node', '/opt/app/config-hup.js'] });
  proc.add({ pid: 30, comm: 'node', cmdline: ['node', '/opt/sidecar/main.mjs'] });
  assert.equal(findProc('config-hup.js', { procRoot: root, selfPid: 30 }), { found: readProc(20, root) });
  assert.equal(findProc('nginx', { procRoot: root, selfPid: 30 }), { none: true });
  const many = findProc('node', { procRoot: root, selfPid: 1 });
  assert.equal('many' in many ? many.many.map((p) => p.pid).sort() : [], [20, 30]);
  assert.equal('many' in findProc('node', { procRoot: root, selfPid: 30 }) ? 'many' : 'one', 'one', 'the caller is left out');
});

test('zombies and kernel threads (empty cmdline) are not candidates', ({ proc, root }) => {
  proc.add({ pid: 40, comm: 'app.py', cmdline: ['python3', 'app.py'], state: 'Z' });
  proc.add({ pid: 41, comm: 'app.py', cmdline: [] });
  assert.equal(findProc('app.py', { procRoot: root, selfPid: 1 }), { none: true });
});

test('a PID reused by another process (other start time) is not the same process', ({ proc, root }) => {
  proc.add({ pid: 50, comm: 'node', cmdline: ['node', 'a.js'], startTicks: 100 });
  const p = readProc(50, root)!;
  assert.is(stillSame(p, root), true);
  proc.add({ pid: 50, comm: 'node', cmdline: ['node', 'a.js'], startTicks: 200 });
  assert.is(stillSame(p, root), false);
  proc.remove(50);
  assert.is(stillSame(p, root), false, 'gone');
});

test('SigCgt says which signals have a handler', ({ proc, root }) => {
  proc.add({ pid: 60, comm: 'a', cmdline: ['a'], sigCgt: '0000000000004a01' }); // bits 0 (HUP), 9 (USR1), 11, 14
  assert.equal(
    [1, 10, 12, 15, 2].map((s) => catches(60, s, root)),
    [true, true, true, true, false],
  );
  proc.add({ pid: 61, comm: 'b', cmdline: ['b'], sigCgt: '0000000000000000' });
  assert.is(catches(61, 1, root), false);
});

test('in the real /proc: a child process is found by its script name and seen to install its SIGHUP handler', async ({ root }) => {
  const script = join(root, `probe-${process.pid}.js`);
  writeFileSync(script, "setTimeout(() => process.on('SIGHUP', () => {}), 300); setTimeout(() => {}, 10000);");
  const child = spawn(process.execPath, [script], { stdio: 'ignore' });
  try {
    await until('the child to show up', () => 'found' in findProc(`probe-${process.pid}.js`));
    const r = findProc(`probe-${process.pid}.js`);
    assert.is('found' in r && r.found.pid, child.pid);
    assert.is(catches(child.pid!, 1), false, 'no handler yet');
    await until('the handler', () => catches(child.pid!, 1));
    assert.is(stillSame((r as { found: ReturnType<typeof readProc> & object }).found), true);
  } finally {
    child.kill('SIGKILL');
  }
});

test.run();
