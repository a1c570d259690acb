import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { schedule } from '../schedule.js';

/** Jobs that record when they start and end, each ending when the test lets it (no timers). */
function recorder() {
  const log: string[] = [];
  const ends = new Map<string, () => void>();
  const job = (name: string, heavy = false) => ({
    heavy,
    run: () =>
      new Promise<string>((resolve) => {
        log.push(`start ${name}`);
        ends.set(name, () => {
          log.push(`end ${name}`);
          resolve(name);
        });
      }),
  });
  const end = async (name: string) => {
    ends.get(name)!();
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  return { log, job, end };
}

test('two heavy jobs never run together: a light one takes the free slot instead', async () => {
  const { log, job, end } = recorder();
  const all = schedule([job('mesh', true), job('logs', true), job('https'), job('topz')], 2);
  assert.equal(log, ['start mesh', 'start https']);
  await end('https');
  assert.equal(log.slice(2), ['end https', 'start topz'], 'logs waits while mesh runs');
  await end('mesh');
  assert.equal(log.slice(4), ['end mesh', 'start logs']);
  await end('topz');
  await end('logs');
  assert.equal(await all, ['mesh', 'logs', 'https', 'topz'], 'the results in the order of the list');
});

test('at most `jobs` run at once, in the order of the list', async () => {
  const { log, job, end } = recorder();
  const all = schedule([job('a'), job('b'), job('c')], 2);
  assert.equal(log, ['start a', 'start b']);
  await end('b');
  assert.equal(log.slice(2), ['end b', 'start c']);
  await end('a');
  await end('c');
  assert.equal(await all, ['a', 'b', 'c']);
});

test('an empty list resolves at once', async () => {
  assert.equal(await schedule([], 2), []);
});

test.run();
