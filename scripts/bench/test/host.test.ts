import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { statTicks, statusMib } from '../host.js';

const test = suite('host benches');

test("a process's CPU ticks are utime plus stime, whatever spaces its name holds", () => {
  const stat = '4242 (bun probe x) S 1 4242 4242 0 -1 4194560 9000 0 0 0 1234 567 0 0 20 0 7 0 100 0 0';
  assert.is(statTicks(stat), 1234 + 567);
});

test('a field of /proc/<pid>/status is read in MiB, and a status without it is an error that names it', () => {
  const status = 'Name:\tbun\nVmHWM:\t   76800 kB\nVmRSS:\t   70144 kB\nRssAnon:\t    8192 kB\n';
  assert.equal([statusMib(status, 'VmHWM'), statusMib(status, 'VmRSS'), statusMib(status, 'RssAnon')], [75, 68.5, 8]);
  try {
    statusMib('Name:\tbun\n', 'VmHWM');
    assert.unreachable('no VmHWM');
  } catch (e) {
    assert.match((e as Error).message, 'no VmHWM in /proc/<pid>/status');
  }
});

test.run();
