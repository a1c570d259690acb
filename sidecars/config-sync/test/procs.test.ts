import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { catches, findProc, namesOf, readProc, stillSame } from '../src/procs.js';
import { until } from './fake-etcd.js';

interface Fake { comm: string; argv: string[]; start?: string; state?: string; sigcgt?: string }
/** Writes /proc/<pid>/{stat,cmdline,status} the way the kernel lays them out. */
function fakeProc(root: string, pid: number, p: Fake): void {
  const dir = join(root, String(pid));
  mkdirSync(dir, { recursive: true });
  const fields = [p.state ?? 'S', '1', ...Array(17).fill('0'), p.start ?? '1000', '0'];
  writeFileSync(join(dir, 'stat'), `${pid} (${p.comm}) ${fields.join(' ')}\n`);
  writeFileSync(join(dir, 'cmdline'), p.argv.map((a) => `${a}\0`).join(''));
  writeFileSync(join(dir, 'status'), `Name:\t${p.comm}\nSigCgt:\t${p.sigcgt ?? '0000000000000000'}\n`);
}

interface Ctx { root: string }
const test = suite<Ctx>('process lookup', {} as Ctx);
test.before.each((ctx) => { ctx.root = mkdtempSync(join(tmpdir(), 'config-sync-proc-')); });
test.after.each((ctx) => rmSync(ctx.root, { recursive: true, force: true }));

test('a process answers to its command name, its program and (for an interpreter) its script', ({ root }) => {
  fakeProc(root, 10, { comm: 'python3', argv: ['/usr/bin/python3', '-u', '/opt/app/config-hup.py', '--port', '8080'] });
  assert.equal(namesOf(readProc(10, root)!), ['python3', 'python3', 'config-hup.py']);
});

test('stat is parsed even when the command name holds spaces and parentheses', ({ root }) => {
  fakeProc(root, 11, { comm: 'my (odd) app', argv: ['x'], start: '4242' });
  const p = readProc(11, root)!;
  assert.equal([p.comm, p.startTime], ['my (odd) app', '4242']);
});

test('exactly one match is found; none and several are told apart; the caller itself never matches', ({ root }) => {
  fakeProc(root, 1, { comm: 'catatonit', argv: ['catatonit', '-P'] });
  fakeProc(root, 20, { comm: 'node', argv: ['node', '/opt/app/config-hup.js'] });
  fakeProc(root, 30, { comm: 'node', argv: ['node', '/opt/sidecar/main.mjs'] });
  assert.equal(findProc('config-hup.js', { procRoot: root, selfPid: 30 }), { found: readProc(20, root) });
  assert.equal(findProc('nginx', { procRoot: root, selfPid: 30 }), { none: true });
  const many = findProc('node', { procRoot: root, selfPid: 1 });
  assert.equal('many' in many ? many.many.map((p) => p.pid).sort() : [], [20, 30]);
  assert.equal('many' in findProc('node', { procRoot: root, selfPid: 30 }) ? 'many' : 'one', 'one', 'the caller is left out');
});

test('zombies and kernel threads (empty cmdline) are not candidates', ({ root }) => {
  fakeProc(root, 40, { comm: 'app.py', argv: ['python3', 'app.py'], state: 'Z' });
  fakeProc(root, 41, { comm: 'app.py', argv: [] });
  assert.equal(findProc('app.py', { procRoot: root, selfPid: 1 }), { none: true });
});

test('a PID reused by another process (other start time) is not the same process', ({ root }) => {
  fakeProc(root, 50, { comm: 'node', argv: ['node', 'a.js'], start: '100' });
  const p = readProc(50, root)!;
  assert.is(stillSame(p, root), true);
  fakeProc(root, 50, { comm: 'node', argv: ['node', 'a.js'], start: '200' });
  assert.is(stillSame(p, root), false);
  rmSync(join(root, '50'), { recursive: true });
  assert.is(stillSame(p, root), false, 'gone');
});

test('SigCgt says which signals have a handler', ({ root }) => {
  fakeProc(root, 60, { comm: 'a', argv: ['a'], sigcgt: '0000000000004a01' }); // bits 0 (HUP), 9 (USR1), 11, 14
  assert.equal([1, 10, 12, 15, 2].map((s) => catches(60, s, root)), [true, true, true, true, false]);
  fakeProc(root, 61, { comm: 'b', argv: ['b'], sigcgt: '0000000000000000' });
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
