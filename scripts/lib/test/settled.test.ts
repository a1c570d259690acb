import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { unsettled } from '../settled.js';

const test = suite('whether a project stands as up leaves it');
const services = {
  init: {},
  pod: {},
  app: { depends_on: { init: { condition: 'service_completed_successfully' }, pod: { condition: 'service_healthy' } } },
};
const row = (service: string, state: string, status: string) => ({ service, state, status });
const standing = [
  row('init', 'exited', 'Exited (0) 2 minutes ago'),
  row('pod', 'running', 'Up 2 minutes (healthy)'),
  row('app', 'running', 'Up 2 minutes'),
];

test('a one-shot that exited 0 beside running, healthy services is settled', () => {
  assert.is(unsettled(services, standing), undefined);
});

test('a stopped, unhealthy or starting service is not, and says which', () => {
  for (const [status, state] of [
    ['Exited (0) 3 seconds ago', 'exited'],
    ['Up 2 minutes (unhealthy)', 'running'],
    ['Up 1 second (health: starting)', 'running'],
  ] as const) {
    const rows = standing.map((r) => (r.service === 'pod' ? row('pod', state, status) : r));
    assert.is(unsettled(services, rows), `pod is ${status}`);
  }
});

test('a one-shot that failed, a missing service and a container of no service are not', () => {
  assert.is(
    unsettled(services, [row('init', 'exited', 'Exited (1) 1 minute ago'), ...standing.slice(1)]),
    'init (a one-shot) is Exited (1) 1 minute ago',
  );
  assert.is(unsettled(services, standing.slice(0, 2)), 'app has 0 containers');
  assert.is(unsettled(services, [...standing, row('extra', 'running', 'Up 1 second')]), 'extra is not a service of the files');
});

test.run();
