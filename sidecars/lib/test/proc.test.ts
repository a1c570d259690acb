// The shared /proc parsers: what config-sync and topz read about the pod's processes.
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  bootTime,
  catchesSignal,
  listPids,
  parseBootTime,
  parseStat,
  parseStatus,
  ProcParseError,
  splitNul,
  startDate,
  statusField,
} from '../proc.js';
import { thrownMessage } from '../test-support/basics.js';
import { BTIME, fakeProc, statLine, statusText } from '../test-support/proc.js';

const test = suite('proc parsing');

test('a stat line yields pid, name, state, ppid, CPU ticks (utime + stime), threads and start ticks', () => {
  const s = parseStat(statLine({ pid: 42, comm: 'worker', state: 'R', ppid: 7, ticks: 301, threads: 4, startTicks: 12345 }));
  assert.equal(s, { pid: 42, comm: 'worker', state: 'R', ppid: 7, cpuTicks: 301, threads: 4, startTicks: 12345 });
});

test('a command name with spaces and parentheses does not shift the fields after it', () => {
  const s = parseStat(statLine({ pid: 9, comm: 'evil) S 1 (x', state: 'Z', ppid: 3, ticks: 10, startTicks: 4242 }));
  assert.equal([s.comm, s.state, s.ppid, s.cpuTicks, s.startTicks], ['evil) S 1 (x', 'Z', 3, 10, 4242]);
});

test('a line that is not a stat line throws a ProcParseError that quotes its start', () => {
  for (const text of ['garbage', '12 no parens', '7 ) backwards (']) {
    assert.is(
      thrownMessage(ProcParseError, () => parseStat(text)),
      `not a /proc stat line: ${JSON.stringify(text)}`,
    );
  }
});

const comm = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.array(fc.constantFrom(') (', ' ', ')', '(', 'a', 'S 1 ', ') Z 0 ('), { maxLength: 8 }).map((parts) => parts.join('')),
);

test('parseStat never throws anything but a ProcParseError, whatever the text', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 200 })), (text) => {
      try {
        parseStat(text);
      } catch (e) {
        if (!(e instanceof ProcParseError)) throw e;
      }
    }),
    { numRuns: 2000 },
  );
});

test('any command name, one with ") (" and spaces included, comes back whole and leaves the other fields in place', () => {
  fc.assert(
    fc.property(
      comm,
      fc.nat(4_000_000),
      fc.constantFrom('R', 'S', 'D', 'Z'),
      fc.nat(1_000_000),
      fc.nat(10 ** 9),
      (name, pid, state, ticks, startTicks) => {
        const s = parseStat(statLine({ pid, comm: name, state, ppid: 1, ticks, threads: 3, startTicks }));
        assert.equal(s, { pid, comm: name, state, ppid: 1, cpuTicks: ticks, threads: 3, startTicks });
      },
    ),
    { numRuns: 1000 },
  );
});

test('status yields the real uid and VmRSS in bytes; a zombie without VmRSS has 0', () => {
  assert.equal(parseStatus(statusText({ pid: 1, comm: 'a', uid: 10005, rssKb: 3000 })), { uid: 10005, rssBytes: 3000 * 1024 });
  assert.equal(parseStatus(statusText({ pid: 1, comm: 'z', uid: 0, rssKb: null })), { uid: 0, rssBytes: 0 });
});

test('a status field is the text after its name, trimmed, and absent when the line is missing', () => {
  const text = statusText({ pid: 1, comm: 'my app', uid: 10, euid: 0, capEff: '00000000a80425fb' });
  assert.is(statusField(text, 'Name'), 'my app');
  assert.is(statusField(text, 'Uid'), '10\t0\t0\t0');
  assert.is(statusField(text, 'CapEff'), '00000000a80425fb');
  assert.is(statusField(text, 'NoSuchField'), undefined);
  assert.is(statusField('Uidx:\t1\n', 'Uid'), undefined, 'a longer name is another field');
});

test('SigCgt says which signals have a handler, and a missing or malformed mask means none', () => {
  const status = statusText({ pid: 1, comm: 'a', sigCgt: '0000000000004a01' }); // bits 0 (HUP), 9 (USR1), 11 (USR2), 14 (TERM)
  assert.equal(
    [1, 10, 12, 15, 2].map((s) => catchesSignal(status, s)),
    [true, true, true, true, false],
  );
  assert.is(catchesSignal(statusText({ pid: 1, comm: 'b' }), 1), false);
  assert.is(catchesSignal('Name:\tx\n', 1), false);
  assert.is(catchesSignal('SigCgt:\tzz\n', 1), false);
});

test('NUL-separated fields drop the trailing NULs a renamed process pads its command line with', () => {
  assert.equal(splitNul('a\0b c\0'), ['a', 'b c']);
  assert.equal(splitNul('topz\0\0\0\0'), ['topz']);
  assert.equal(splitNul(''), []);
});

test('only numeric entries are PIDs, sorted numerically', () => {
  assert.equal(listPids(['self', '10', '9', 'stat', '100', '1', '1a']), [1, 9, 10, 100]);
});

test('boot time comes from btime and start ticks become a date at 100 ticks per second', () => {
  const proc = fakeProc();
  try {
    assert.is(bootTime(proc.root), BTIME);
    assert.is(startDate(BTIME, 250).toISOString(), new Date(BTIME * 1000 + 2500).toISOString());
  } finally {
    proc.cleanup();
  }
});

test('a system stat file without btime is a ProcParseError that names the file', () => {
  assert.is(
    thrownMessage(ProcParseError, () => parseBootTime('cpu 1 2 3\n')),
    'no btime line in the system stat file',
  );
  assert.is(
    thrownMessage(ProcParseError, () => bootTime('/nowhere', () => 'cpu 1\n')),
    '/nowhere/stat has no btime line',
  );
});

test.run();
