// docs/workshop-times.json, what bench:workshop measured: read back as written, and a field that is not a number of
// seconds is refused with its lesson and name, so a hand edit gone wrong never reaches the agenda.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readTimes, type Times, writeTimes } from '../../scripts/lib/workshop-times.js';

const test = suite('workshop times');
const dir = mkdtempSync(join(tmpdir(), 'sl-workshop-times-'));
const file = join(dir, 'times.json');
const times: Times = {
  machine: '2 × a CPU',
  lessons: { https: { upS: 11, checkS: 20, exercisesS: 8, downS: 1, load: 2.5, at: '2026-11-24 00:10 UTC' } },
};

test.after(() => rmSync(dir, { recursive: true, force: true }));

test('what the bench writes is read back the same', () => {
  writeTimes(times, file);
  assert.equal(readTimes(file), times);
});

test('a lesson whose seconds are not a number ≥ 0 is refused, naming the lesson and the field', () => {
  for (const bad of [-1, '11', null]) {
    writeFileSync(file, JSON.stringify({ ...times, lessons: { https: { ...times.lessons.https, checkS: bad } } }));
    try {
      readTimes(file);
      assert.unreachable(`checkS ${JSON.stringify(bad)} was accepted`);
    } catch (e) {
      assert.instance(e, Error);
      assert.match((e as Error).message, `https.checkS must be a number ≥ 0, not ${JSON.stringify(bad)}`);
    }
  }
});

test.run();
