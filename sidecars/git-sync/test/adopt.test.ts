import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { untilAdopted } from '../src/adopt.js';

const test = suite('adopt');
const SHA = 'a'.repeat(40);
const usage = (...shas: string[]) => ({ inUse: new Set(shas), uninspectable: 0 });

test('a revision already in use is adopted at the first look', async () => {
  let scans = 0;
  const held = await untilAdopted({ sha: SHA, since: 0, timeoutMs: 1, clock: () => 1e9, scan: () => (scans++, usage(SHA)) });
  assert.is(held, 'adopted');
  assert.is(scans, 1);
});

test('a revision taken up later is adopted at the look that sees it', async () => {
  let scans = 0;
  const held = await untilAdopted({
    sha: SHA,
    since: Date.now(),
    timeoutMs: 60_000,
    clock: Date.now,
    everyMs: 1,
    scan: () => (++scans === 3 ? usage(SHA) : usage('b'.repeat(40))),
  });
  assert.is(held, 'adopted');
  assert.is(scans, 3);
});

test('a revision nobody takes up times out, counted from the flip', async () => {
  let now = 1000;
  let scans = 0;
  const held = await untilAdopted({
    sha: SHA,
    since: 500,
    timeoutMs: 1000,
    clock: () => now,
    everyMs: 1,
    scan: () => ((now += 300), scans++, usage()),
  });
  assert.is(held, 'timeout');
  assert.is(scans, 2, 'looked at 1000 and 1300; the hold ended at 1600, past 500 + 1000');
});

test.run();
