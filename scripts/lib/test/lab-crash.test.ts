// POST /api/kill's signal path: by host PID (a crash, so the restart policy applies) only when that PID's
// cgroup names the container, and through the engine otherwise. A fake /proc; no process is signalled.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { signalContainer } from '../lab/crash.js';
import { container, fakeEngine } from './lab-support.js';

const test = suite<{ proc: string }>('lab: how a kill is sent', { proc: '' });
test.before.each((ctx) => {
  ctx.proc = mkdtempSync(join(tmpdir(), 'lab-crash-'));
});
test.after.each((ctx) => rmSync(ctx.proc, { recursive: true, force: true }));

const cgroup = (proc: string, pid: number, text: string) => {
  mkdirSync(join(proc, String(pid)), { recursive: true });
  writeFileSync(join(proc, String(pid), 'cgroup'), text);
};

test('a running container whose PID’s cgroup names it gets the signal by PID, and the engine is not asked', async ({ proc }) => {
  const c = container('sl-https-0a0b0c', 'tls-proxy', { pid: 4242 });
  cgroup(proc, 4242, `0::/system.slice/docker-${c.Id}.scope\n`);
  const engine = fakeEngine([c]);
  const sent: [number, string][] = [];
  const via = await signalContainer(engine, c, 'SIGKILL', { procRoot: proc, killPid: (pid, s) => sent.push([pid, s]) });
  assert.equal([via, sent, engine.killed], ['pid', [[4242, 'SIGKILL']], []]);
});

test('cgroup v1 paths (docker/<id>) name the container as well', async ({ proc }) => {
  const c = container('sl-https-0a0b0c', 'tls-proxy', { pid: 4243 });
  cgroup(proc, 4243, `12:pids:/docker/${c.Id}\n11:memory:/docker/${c.Id}\n`);
  const sent: number[] = [];
  assert.is(await signalContainer(fakeEngine([c]), c, 'SIGTERM', { procRoot: proc, killPid: (pid) => sent.push(pid) }), 'pid');
  assert.equal(sent, [4243]);
});

test('a PID whose cgroup names another container (or that is gone) is never signalled: the engine sends it', async ({ proc }) => {
  const c = container('sl-https-0a0b0c', 'tls-proxy', { pid: 4244 });
  cgroup(proc, 4244, '0::/system.slice/docker-0000000000000000000000000000000000000000000000000000000000000000.scope\n');
  const gone = container('sl-https-0a0b0c', 'app', { pid: 4245 });
  const engine = fakeEngine([c, gone]);
  const killPid = () => assert.unreachable('no PID is signalled');
  assert.is(await signalContainer(engine, c, 'SIGKILL', { procRoot: proc, killPid }), 'engine');
  assert.is(await signalContainer(engine, gone, 'SIGKILL', { procRoot: proc, killPid }), 'engine');
  assert.equal(engine.killed, [
    { id: c.Id, signal: 'SIGKILL' },
    { id: gone.Id, signal: 'SIGKILL' },
  ]);
});

test('a stopped container, and a lab given no way to signal PIDs, go through the engine', async ({ proc }) => {
  const stopped = container('sl-https-0a0b0c', 'app', {});
  const running = container('sl-https-0a0b0c', 'tls-proxy', { pid: 4246 });
  cgroup(proc, 4246, `0::/docker/${running.Id}\n`);
  const engine = fakeEngine([stopped, running]);
  assert.is(await signalContainer(engine, stopped, 'SIGKILL', { procRoot: proc, killPid: () => assert.unreachable() }), 'engine');
  assert.is(await signalContainer(engine, running, 'SIGKILL', { procRoot: proc }), 'engine');
  assert.is(engine.killed.length, 2);
});

test('a PID that ended between the read and the signal (ESRCH) falls back to the engine; another error is thrown', async ({ proc }) => {
  const c = container('sl-https-0a0b0c', 'tls-proxy', { pid: 4247 });
  cgroup(proc, 4247, `0::/docker/${c.Id}\n`);
  const engine = fakeEngine([c]);
  const fail = (code: string) => () => {
    throw Object.assign(new Error(code), { code });
  };
  assert.is(await signalContainer(engine, c, 'SIGKILL', { procRoot: proc, killPid: fail('ESRCH') }), 'engine');
  try {
    await signalContainer(engine, c, 'SIGKILL', { procRoot: proc, killPid: fail('EINVAL') });
    assert.unreachable('EINVAL is thrown');
  } catch (e) {
    assert.is((e as NodeJS.ErrnoException).code, 'EINVAL');
  }
});

test.run();
