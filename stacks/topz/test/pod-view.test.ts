// The oracle's reading of a look into a pod's PID namespace (pod-view.ts): each process goes to the container its
// cgroup names, with its PID in the pod, name, start time and resident set; a process of no container asked for
// (the toolbox itself, another stack) is left out, and a container with no process is an error.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseLook } from '../pod-view.js';

const APP = 'a'.repeat(64);
const POD = 'b'.repeat(64);
const TOOL = 'c'.repeat(64);
const stat = (pid: number, comm: string, state: string, start: number) =>
  `${pid} (${comm}) ${state} 1 ${pid} ${pid} 0 -1 4194560 100 0 0 0 7 3 0 0 20 0 1 0 ${start} 1000 200 18446744073709551615`;
const look = [
  'btime 1700000000',
  `P\t12:memory:/docker/${POD} 11:pids:/docker/${POD} \t512\t${stat(1, 'catatonit', 'S', 100)}`,
  `P\t0::/system.slice/docker-${APP}.scope \t2048\t${stat(7, 'busy (worker) 2', 'R', 250)}`,
  `P\t0::/system.slice/docker-${APP}.scope \t\t${stat(9, 'idle-worker', 'Z', 260)}`,
  `P\t12:memory:/docker/${TOOL} \t100\t${stat(40, 'sh', 'S', 900)}`,
  '',
].join('\n');

test('each process goes to the container its cgroup names, with its pod PID, name, start time and resident set', () => {
  const ps = parseLook(look, [
    ['pod', POD],
    ['app', APP],
  ]);
  assert.equal(
    ps.map((p) => [p.service, p.pid, p.name, p.startTicks, p.rssBytes]),
    [
      ['pod', 1, 'catatonit', 100, 512 * 1024],
      ['app', 7, 'busy (worker) 2', 250, 2048 * 1024],
      ['app', 9, 'idle-worker', 260, 0],
    ],
  );
  assert.is(ps[1]!.startTime, new Date(1700000000 * 1000 + 2500).toISOString(), 'start time = boot time + start ticks / 100');
});

test('processes of containers not asked for (the toolbox that looks, other stacks) are left out', () => {
  const ps = parseLook(look, [['app', APP]]);
  assert.equal(
    ps.map((p) => p.pid),
    [7, 9],
  );
});

test('a container with no process in the namespace looked into is an error that names it', () => {
  try {
    parseLook(look, [
      ['app', APP],
      ['other', 'd'.repeat(64)],
    ]);
    assert.unreachable('a container with no process must throw');
  } catch (e) {
    assert.match((e as Error).message, /^no process of other \(dddddddddddd\) in the PID namespace of app$/);
  }
});

test('a look without the boot time line is refused', () => {
  try {
    parseLook(look.replace('btime 1700000000\n', ''), [['app', APP]]);
    assert.unreachable('no btime must throw');
  } catch (e) {
    assert.match((e as Error).message, /btime/);
  }
});

test.run();
