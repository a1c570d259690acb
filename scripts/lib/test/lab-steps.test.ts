// What the Actions view computes on Node: which stack runs can run checks, the lessons' chaos steps on a
// stack's pods (kill each sidecar, restart the app, stop or start the logs stack's receiver), a run's counts
// in words, and how a lab action shows on the timeline beside the engine's events.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { markOf } from '../lab/page/lines.js';
import { chaosSteps, checkable, tally } from '../lab/page/steps.js';
import type { LabContainer, Stack } from '../lab/stacks.js';

const test = suite('lab page: actions');

const c = (project: string, service: string, role: string | null, state = 'running'): LabContainer => ({
  name: `${project}-${service}-1`,
  id: service,
  service,
  role,
  state,
  health: null,
  image: 'x',
  pid: state === 'running' ? 1 : 0,
  startedAt: '',
  namespaces: { net: { inode: '1', declared: 'own' }, pid: { inode: '2', declared: 'own' } },
  ports: [],
  mounts: [],
});

const https = (p = 'sl-https-0a0b0c'): Stack => ({
  project: p,
  stack: 'https',
  pods: [
    {
      name: 'pod',
      owner: `${p}-pod-1`,
      containers: [c(p, 'pod', 'pause'), c(p, 'tls-proxy', 'tls-proxy'), c(p, 'app', 'app')],
      shared: [],
    },
  ],
});

test('the https pod’s steps: kill the sidecar and restart the app; the pause container and an unknown role get none', () => {
  assert.equal(
    chaosSteps(https()).map((s) => [s.action, s.container, s.label]),
    [
      ['kill', 'sl-https-0a0b0c-tls-proxy-1', 'Kill the sidecar: tls-proxy (SIGKILL, as a crash)'],
      ['restart', 'sl-https-0a0b0c-app-1', 'Restart the app: app (docker restart)'],
    ],
  );
  const unknown: Stack = {
    ...https(),
    pods: [{ ...https().pods[0]!, containers: [c('sl-https-0a0b0c', 'pod', 'pause'), c('sl-https-0a0b0c', 'x', null)] }],
  };
  assert.equal(chaosSteps(unknown), []);
});

test('the logs stack’s receiver is stopped while it runs and started again once stopped; a container alone is never killed', () => {
  const p = 'sl-logs-0a0b0c';
  const logs = (state: string): Stack => ({
    project: p,
    stack: 'logs',
    pods: [
      { name: 'rsyslog', owner: null, containers: [c(p, 'rsyslog', 'standalone', state)], shared: [] },
      { name: 'postgres', owner: null, containers: [c(p, 'postgres', 'standalone')], shared: [] },
      {
        name: 'pod-file',
        owner: `${p}-pod-file-1`,
        containers: [c(p, 'pod-file', 'pause'), c(p, 'shipper-file', 'log-shipper'), c(p, 'app-file', 'app')],
        shared: [],
      },
    ],
  });
  assert.equal(
    chaosSteps(logs('running')).map((s) => `${s.action} ${s.service}`),
    ['stop rsyslog', 'kill shipper-file', 'restart app-file'],
  );
  assert.equal(chaosSteps(logs('exited'))[0]!.label, 'Start the receiver again: rsyslog');
});

test('checks run on a stack runner’s own projects only: not on a side project or a project named with --project', () => {
  const side = { ...https('sl-https-0a0b0c-naive') };
  const named = { ...https('myshop'), stack: 'myshop' };
  assert.equal(
    checkable([https(), side, named]).map((s) => s.project),
    ['sl-https-0a0b0c'],
  );
});

test('a run’s counts in words, a skip counted as skipped and not as passed', () => {
  assert.is(
    tally([
      { name: 'a', ok: true, ms: 1 },
      { name: 'b', ok: false, ms: 1, error: 'x' },
      { name: 'c', ok: true, ms: 0, skipped: 'add --all' },
    ]),
    '1 passed, 1 failed, 1 skipped',
  );
  assert.is(tally([]), '0 passed, 0 failed, 0 skipped');
});

test('a lab action shows with a glyph, words and a tone of its own, never as an engine event’s', () => {
  const ev = { time: 0, project: 'p', service: 's', container: 'c', id: '', detail: 'kill SIGKILL (pid)' };
  const mark = markOf({ ...ev, action: 'lab' });
  assert.equal(mark, { glyph: '☛', word: 'lab action: kill SIGKILL (pid)', tone: 'action' });
  for (const action of ['kill', 'die', 'restart', 'stop', 'start', 'create', 'destroy', 'health_status'])
    assert.not.equal(markOf({ ...ev, action }).glyph, mark.glyph, action);
});

test.run();
