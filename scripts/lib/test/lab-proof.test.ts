// What the lab's actions check in every stack's run decides on Node: the check it runs from the page (the first that
// only reads), the chaos step it takes (the receiver stopped then started, else a sidecar killed, else an app
// restarted), the events the timeline must then show, in order, and a streamed answer read back whatever its text.
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { LabEvent } from '../lab/hub.js';
import type { ChaosStep } from '../lab/page/steps.js';
import { chaosPlan, expectedEvents, inOrder, messages, readingCheck, wantText } from '../lab/proof.js';

const test = suite('lab: the actions check of every stack run');

const step = (action: ChaosStep['action'], service: string): ChaosStep => ({
  action,
  service,
  container: `sl-x-0a0b0c-${service}-1`,
  label: `${action} ${service}`,
});
const ev = (time: number, action: string, detail?: string, container = 'sl-x-0a0b0c-tls-proxy-1'): LabEvent => ({
  time,
  project: 'sl-x-0a0b0c',
  service: 'tls-proxy',
  container,
  id: 'abc',
  action,
  ...(detail ? { detail } : {}),
});

test('the check run from the page is the first that only reads, numbered from 1 as the check verb numbers it', () => {
  assert.is(readingCheck([{ effect: 'destroys' }, { needs: 'start' }, {}, {}]), 3);
  assert.is(readingCheck([{}]), 1);
  assert.is(readingCheck([{ effect: 'starts' }, { effect: 'destroys' }]), undefined);
  assert.is(readingCheck([]), undefined);
});

test('the chaos taken: the receiver stopped and started again, else the first sidecar killed, else the first app restarted', () => {
  const rsyslog = step('stop', 'rsyslog');
  assert.equal(
    chaosPlan([step('kill', 'shipper-file'), rsyslog]).map((s) => [s.action, s.container]),
    [
      ['stop', rsyslog.container],
      ['start', rsyslog.container],
    ],
  );
  assert.equal(chaosPlan([step('restart', 'app'), step('kill', 'tls-proxy'), step('kill', 'other')]), [step('kill', 'tls-proxy')]);
  assert.equal(chaosPlan([step('restart', 'app')]), [step('restart', 'app')]);
  assert.equal(chaosPlan([]), []);
});

test('the timeline must show each step’s mark, the die and the recovery; healthy again only with a health check', () => {
  assert.equal(expectedEvents([step('kill', 'tls-proxy')], true).map(wantText), [
    'lab /^kill SIGKILL /',
    'die',
    'start',
    'health_status /^healthy$/',
  ]);
  assert.equal(expectedEvents([step('stop', 'rsyslog'), step('start', 'rsyslog')], false).map(wantText), [
    'lab /^stop$/',
    'die',
    'lab /^start$/',
    'start',
  ]);
  assert.equal(expectedEvents([step('restart', 'app')], false).map(wantText), ['lab /^restart$/', 'die', 'start']);
});

test('events are matched in time order, from the action on, of that container only; a recovery before the die is none', () => {
  const wanted = expectedEvents([step('kill', 'tls-proxy')], true);
  const events = [
    ev(5, 'start'),
    ev(12, 'die', '137'),
    ev(10, 'lab', 'kill SIGKILL (pid)'),
    ev(11, 'die', '0', 'sl-x-0a0b0c-app-1'),
    ev(13, 'health_status', 'starting'),
    ev(13, 'start'),
    ev(15, 'health_status', 'healthy'),
  ];
  const got = inOrder(events, 'sl-x-0a0b0c-tls-proxy-1', 10, wanted);
  assert.equal(got.missing, undefined);
  assert.equal(
    got.found.map((e) => [e.time, e.action, e.detail]),
    [
      [10, 'lab', 'kill SIGKILL (pid)'],
      [12, 'die', '137'],
      [13, 'start', undefined],
      [15, 'health_status', 'healthy'],
    ],
  );
  const early = inOrder(
    [ev(10, 'lab', 'kill SIGKILL (pid)'), ev(11, 'start'), ev(12, 'health_status', 'healthy'), ev(13, 'die', '137')],
    'sl-x-0a0b0c-tls-proxy-1',
    10,
    wanted,
  );
  assert.equal(early.missing && wantText(early.missing), 'start');
  assert.is(early.found.length, 2);
  assert.equal(inOrder(events, 'sl-x-0a0b0c-tls-proxy-1', 14, wanted).found, [], 'nothing before the action counts');
});

test('a streamed answer reads back as its messages, and any text at all without a throw (property-based)', () => {
  assert.equal(messages('{"type":"hello"}\n\n{"type":"check","number":3}\nnot json\n[1]\n'), [
    { type: 'hello' },
    { type: 'check', number: 3 },
    { type: '?', text: 'not json' },
    { type: '?', text: '[1]' },
  ]);
  fc.assert(
    fc.property(fc.array(fc.oneof(fc.string({ unit: 'binary' }), fc.json())), (lines) => {
      const text = lines.join('\n');
      const got = messages(text);
      return got.length <= text.split('\n').length && got.every((m) => typeof m === 'object' && m !== null && !Array.isArray(m));
    }),
    { numRuns: 300 },
  );
  const objects = fc.sample(fc.dictionary(fc.string(), fc.jsonValue()), 50);
  assert.equal(
    messages(objects.map((o) => JSON.stringify(o)).join('\n')),
    objects.map((o) => JSON.parse(JSON.stringify(o))),
  );
});

test.run();
