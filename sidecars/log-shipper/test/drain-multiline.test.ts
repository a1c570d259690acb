// The process when a drain cuts a multi-line record (a stack trace) that the app has not finished: the
// record goes out as far as it is complete, the unfinished line waits in the file, and across the next
// start no line is lost, also for a receiver that stores each id once (ON CONFLICT (id) DO NOTHING), as
// stacks/logs does: that receiver keeps the first text it got under an id.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { exited } from '../../lib/test-support/child.js';
import { until } from '../../lib/test-support/wait.js';
import type { FakeRelp } from './fake-relp.js';
import { bodies, LIMIT_MS, lines, processSuite, seqsOf, startShipper } from './process.js';

const test = processSuite('a drain cuts a multi-line record');

/** Records start with '{'; the timeout is long, so only a start line or the drain completes a record. */
const MULTILINE = ['--multiline-start', '^\\{', '--multiline-timeout', '1m', '--close-idle', '2m'];
const TRACE = '{"seq":11,"error":"boom"}\n  at a\n  at b\n  at c\n';

/** What a receiver that keeps the first text per id stores, as lines. */
function storedLines(relp: FakeRelp): string[] {
  const first = new Map<string, string>();
  for (const b of bodies(relp)) if (!first.has(b.id)) first.set(b.id, b.message);
  return [...first.values()].flatMap((m) => m.split('\n'));
}
const written = (text: string) => text.split('\n').filter(Boolean);
const readAll = (path: string) => readFileSync(path, 'utf8');

/**
 * Starts the shipper, waits until it has read so many lines (or, given a seq, until the receiver has that
 * line: where a restart resumes depends on when the registry was last saved; the last record stays open
 * until the drain, so the seq is the one before it), sends SIGTERM; the exit code.
 */
async function runUntilDrained(dir: string, relp: FakeRelp, when: { lines: number } | { seq: number }, extra: string[] = []) {
  const { r, metrics } = await startShipper(dir, relp, [...MULTILINE, ...extra]);
  if ('lines' in when)
    await until(`${when.lines} lines read`, async () => (await metrics()).get('log_shipper_read_lines_total') === when.lines, LIMIT_MS);
  else await until(`line ${when.seq} received`, () => seqsOf(relp).includes(when.seq), LIMIT_MS);
  r.child.kill('SIGTERM');
  return (await exited(r, 20_000)).code;
}

test('a record cut by a drain goes out as far as the app wrote it; its unfinished line follows after the restart', async ({
  dir,
  relp,
}) => {
  const log = join(dir, 'app.log');
  writeFileSync(log, `${lines(1, 10)}${TRACE}  at d`); // the app is in the middle of a line
  assert.is(await runUntilDrained(dir, relp, { lines: 14 }), 0);
  const trace = bodies(relp).find((b) => b.message.startsWith('{"seq":11'));
  assert.is(trace?.message, TRACE.trimEnd(), 'the record as far as its last complete line, in one message');
  appendFileSync(log, `\n  at e\n${lines(12, 20)}`);
  assert.is(await runUntilDrained(dir, relp, { seq: 19 }), 0);
  const all = readAll(log);
  assert.equal(storedLines(relp), written(all), 'every line stored once, in order');
});

test('a record cut by a drain the receiver never acknowledged is stored with the lines the app added after it', async ({ dir, relp }) => {
  const log = join(dir, 'app.log');
  writeFileSync(log, `${lines(1, 10)}${TRACE}`);
  relp.trouble = { at: 11, what: 'hang' }; // the receiver gets the cut record and never answers
  assert.is(await runUntilDrained(dir, relp, { lines: 14 }, ['--drain-timeout', '2s', '--relp-timeout', '1m']), 1);
  appendFileSync(log, `  at d\n  at e\n${lines(12, 20)}`); // the app goes on with its trace
  assert.is(await runUntilDrained(dir, relp, { seq: 19 }), 0);
  const stored = storedLines(relp);
  const lost = written(readAll(log)).filter((l) => !stored.includes(l));
  assert.equal(lost, [], 'every line stored, none of the trace dropped as a duplicate id');
  // The cut record went out twice: as cut, then with the lines after it, under another id; its 4 lines
  // are the only duplicates.
  const twice = stored.filter((l, i) => stored.indexOf(l) !== i);
  assert.equal(twice, written(TRACE));
});

test.run();
