// The pure parts of the topz exercises' checks (stacks/topz/exercise-support.ts): which listed process is a
// container's main one, not a health probe the engine runs beside it, and a metric's sum over some labels.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { ProcessView, Snapshot } from '../../../sidecars/topz/src/schema.js';
import { mainOf, sum, uidOf } from '../exercise-support.js';

const test = suite('topz exercises: support');

const proc = (pid: number, name: string, uid: number, startTime: string) => ({ pid, name, uid, startTime }) as ProcessView;
const snap = (processes: ProcessView[]) => ({ processes }) as Snapshot;

test('a container’s main process is the first started of its name and uid, whatever its PID', () => {
  const list = snap([
    proc(1, 'catatonit', 65535, '2026-01-01T00:00:00Z'),
    proc(90, 'bun', 10009, '2026-01-01T00:01:00Z'), // a health probe, started later
    proc(120, 'bun', 10009, '2026-01-01T00:00:05Z'),
    proc(7, 'bun', 10004, '2026-01-01T00:00:01Z'),
  ]);
  assert.is(mainOf(list, 'bun', 10009)?.pid, 120);
  assert.is(mainOf(list, 'python3', 10003), undefined);
});

test('a metric’s sum takes the samples whose labels include every one given', () => {
  const m = new Map([
    ['topz_requests_total{route="/api/processes",status="200"}', 3],
    ['topz_requests_total{route="/api/processes",status="401"}', 1],
    ['topz_requests_total{route="/metrics",status="200"}', 5],
    ['topz_requests_totals', 9],
  ]);
  assert.is(sum(m, 'topz_requests_total', 'route="/api/processes"'), 4);
  assert.is(sum(m, 'topz_requests_total', 'status="200"'), 8);
  assert.is(sum(m, 'topz_requests_total', 'route="/api/processes"', 'status="401"'), 1);
});

test('the uids the checks look for are the images’ own (images/uids.yaml)', () => {
  assert.equal([uidOf('topz'), uidOf('tls-proxy'), uidOf('legacy-workers')], [10004, 10009, 10011]);
});

test.run();
