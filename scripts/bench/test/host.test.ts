import { existsSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { STATE_DIR } from '../../lib/config.js';
import { benchRun, statTicks, statusMib } from '../host.js';

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

test('a bench run has a directory of its own in the state directory, which cleanup removes with what is in it, and Ctrl-C runs cleanup', async () => {
  const before = process.listeners('SIGINT');
  const a = benchRun('unit');
  const b = benchRun('unit');
  const added = process.listeners('SIGINT').filter((l) => !before.includes(l));
  try {
    assert.is(added.length, 2, 'one SIGINT handler per run');
    for (const r of [a, b]) {
      assert.is(dirname(r.state), STATE_DIR);
      assert.match(basename(r.state), /^sl-bench-unit-[0-9a-f]{6}$/);
    }
    assert.is.not(a.state, b.state);
    writeFileSync(join(a.state, 'left.txt'), 'x');
    await a.cleanup();
    assert.is(existsSync(a.state), false);
    assert.is(existsSync(b.state), true, "another run's directory stays");
    // Ctrl-C: b's handler cleans up, then exits 130 (process.exit is caught here, so the runner goes on).
    const exit = process.exit;
    const code = new Promise<unknown>((done) => {
      process.exit = ((c?: number) => done(c)) as typeof process.exit;
    });
    try {
      (added[1] as () => void)();
      assert.is(await code, 130);
    } finally {
      process.exit = exit;
    }
    assert.is(existsSync(b.state), false, 'Ctrl-C removed the directory before exiting');
  } finally {
    for (const l of added) process.removeListener('SIGINT', l);
    await Promise.all([a.cleanup(), b.cleanup()]);
  }
});

test.run();
