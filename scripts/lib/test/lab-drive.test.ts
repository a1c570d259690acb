// The rule the in-stack check and the lab's browser tests share for "the killed container came back".
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { backAfterKill, type ShownEvent } from '../lab/drive.js';

const test = suite('lab: reading the timeline the page shows');
const ev = (action: string, text = action): ShownEvent => [action, text];

test('a health-checked container is back at its first healthy after the die that follows the mark', () => {
  const items = [
    ev('health_status', 'health healthy'),
    ev('lab'),
    ev('die', 'die (exit 137)'),
    ev('start'),
    ev('health_status', 'health starting'),
    ev('health_status', 'health healthy'),
  ];
  assert.equal(backAfterKill(items, true), { mark: 1, die: 2, back: 5 });
});

test('a container without a health check is back at its start after the die', () => {
  assert.equal(backAfterKill([ev('lab'), ev('die'), ev('start')], false), { mark: 0, die: 1, back: 2 });
});

test('nothing is back before the mark, the die, and the event after it', () => {
  assert.is(backAfterKill([ev('die'), ev('start'), ev('lab')], false), undefined, 'a die and start before the mark');
  assert.is(backAfterKill([ev('lab'), ev('start')], false), undefined, 'no die');
  assert.is(backAfterKill([ev('lab'), ev('die'), ev('start')], true), undefined, 'started, not yet healthy');
  assert.is(backAfterKill([ev('lab'), ev('die'), ev('health_status', 'health unhealthy')], true), undefined);
});

test.run();
