// POST /api/kill's signal path: by host PID (a crash, so the restart policy applies) only when that PID's
// cgroup names the container, and through the engine otherwise; after the engine's kill, the start the restart
// policy would have made. A fake /proc and a fake engine; no process is signalled.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { signalContainer, startAsPolicyWould } from '../lab/crash.js';
import type { Inspect } from '../lab/engine.js';
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

/** A container of the run that a kill through the engine stopped, with a restart policy. */
const stopped = (service: string, policy: string, exitCode: number, o: { max?: number; restarts?: number } = {}): Inspect => {
  const c = container('sl-https-0a0b0c', service, {});
  c.HostConfig.RestartPolicy = { Name: policy, MaximumRetryCount: o.max ?? 0 };
  c.State.ExitCode = exitCode;
  c.RestartCount = o.restarts ?? 0;
  return c;
};

test('a container the engine killed, whose restart policy restarts a crash, is started once it has stopped, and the start is marked first', async () => {
  for (const policy of ['unless-stopped', 'always', 'on-failure']) {
    const c = stopped('tls-proxy', policy, 137);
    const engine = fakeEngine([c]);
    const marks: string[] = [];
    const order: string[] = [];
    const start = engine.start.bind(engine);
    engine.start = async (id) => {
      order.push(`start after ${marks.length} mark(s)`);
      return start(id);
    };
    assert.is(await startAsPolicyWould(engine, c, (d) => marks.push(d)), 'started', policy);
    assert.equal(engine.acted, [{ id: c.Id, action: 'start' }], policy);
    assert.equal(order, ['start after 1 mark(s)'], policy);
    assert.match(marks[0]!, new RegExp(`^start, as its restart policy ${policy} would after a crash \\(exit 137\\)`));
  }
});

test('no start where the policy would not restart: none, on-failure after exit 0 or with its retries spent, or a container running again', async () => {
  const running = stopped('app', 'unless-stopped', 0);
  running.State.Running = true;
  const cases: [Inspect, string][] = [
    [stopped('app', 'no', 137), 'no restart policy'],
    [stopped('app', 'on-failure', 0), 'not restarted by on-failure after exit 0'],
    [stopped('app', 'on-failure', 137, { max: 3, restarts: 3 }), 'not restarted by on-failure after exit 137'],
    [running, 'running again'],
  ];
  for (const [c, outcome] of cases) {
    const engine = fakeEngine([c]);
    assert.is(await startAsPolicyWould(engine, c, () => assert.unreachable('nothing is marked')), outcome);
    assert.equal(engine.acted, [], outcome);
  }
});

test('a container that does not stop within the deadline is left as it is, and the outcome says why', async () => {
  const c = stopped('tls-proxy', 'unless-stopped', 0);
  const engine = fakeEngine([c]);
  engine.exitCode = async (_id, within) => {
    throw new Error(`engine did not answer POST /containers/x/wait within ${within} ms`);
  };
  const outcome = await startAsPolicyWould(engine, c, () => assert.unreachable('nothing is marked'), 50);
  assert.is(outcome, 'not started: engine did not answer POST /containers/x/wait within 50 ms');
  assert.equal(engine.acted, []);
});

test.run();
