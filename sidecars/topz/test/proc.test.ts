import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { bootTime, listPids, parseStat, parseStatus, readProcess, splitNul, startDate, userNames } from '../src/proc.js';
import { BTIME, fakeProc, fsError, statLine, statusText } from './fixtures.js';

const test = suite('proc parsing');

test('a stat line yields pid, name, state, ppid, CPU ticks (utime + stime), threads and start ticks', () => {
  const s = parseStat(statLine({ pid: 42, comm: 'worker', state: 'R', ppid: 7, ticks: 301, threads: 4, startTicks: 12345 }));
  assert.equal(s, { pid: 42, comm: 'worker', state: 'R', ppid: 7, cpuTicks: 301, threads: 4, startTicks: 12345 });
});

test('a command name with spaces and parentheses does not shift the fields after it', () => {
  const s = parseStat(statLine({ pid: 9, comm: 'evil) S 1 (x', state: 'Z', ppid: 3, ticks: 10 }));
  assert.is(s.comm, 'evil) S 1 (x');
  assert.is(s.state, 'Z');
  assert.is(s.ppid, 3);
  assert.is(s.cpuTicks, 10);
});

test('a line that is not a stat line throws', () => {
  try {
    parseStat('garbage');
    assert.unreachable('parseStat must throw');
  } catch (e) {
    assert.match((e as Error).message, /not a \/proc stat line/);
  }
});

test('status yields the real uid and VmRSS in bytes; a zombie without VmRSS has 0', () => {
  assert.equal(parseStatus(statusText({ pid: 1, comm: 'a', uid: 10005, rssKb: 3000 })), { uid: 10005, rssBytes: 3000 * 1024 });
  assert.equal(parseStatus(statusText({ pid: 1, comm: 'z', uid: 0, rssKb: null })), { uid: 0, rssBytes: 0 });
});

test('NUL-separated fields drop the trailing NULs a renamed process pads its command line with', () => {
  assert.equal(splitNul('a\0b c\0'), ['a', 'b c']);
  assert.equal(splitNul('topz\0\0\0\0'), ['topz']);
  assert.equal(splitNul(''), []);
});

test('only numeric entries are PIDs, sorted numerically', () => {
  assert.equal(listPids(['self', '10', '9', 'stat', '100', '1']), [1, 9, 10, 100]);
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

test('readProcess reads a process from a proc root, with cmdline and environ only when asked', () => {
  const proc = fakeProc([{ pid: 5, comm: 'app', uid: 10005, rssKb: 100, cmdline: ['app', '--x'], environ: ['A=1'] }]);
  try {
    const plain = readProcess(proc.root, 5, { cmdline: false, environ: false });
    assert.ok('ok' in plain);
    if ('ok' in plain) {
      assert.is(plain.ok.comm, 'app');
      assert.is(plain.ok.rssBytes, 102400);
      assert.is(plain.ok.cmdline, undefined);
      assert.is(plain.ok.environ, undefined);
    }
    const full = readProcess(proc.root, 5, { cmdline: true, environ: true });
    assert.equal('ok' in full && [full.ok.cmdline, full.ok.environ], [['app', '--x'], ['A=1']]);
  } finally {
    proc.cleanup();
  }
});

test('a process whose files are gone is vanished, an unreadable stat is unreadable, an unreadable environ is null', () => {
  const proc = fakeProc([{ pid: 5, comm: 'app' }]);
  try {
    mkdirSync(join(proc.root, '6'));
    assert.equal(readProcess(proc.root, 6, { cmdline: false, environ: false }), { skipped: 'vanished' });
    const eacces = (path: string) => { throw fsError(path.endsWith('environ') || path.endsWith('stat') ? 'EACCES' : 'EIO'); };
    assert.equal(readProcess(proc.root, 5, { cmdline: false, environ: false }, eacces), { skipped: 'unreadable' });
    const noEnviron = readProcess(proc.root, 5, { cmdline: false, environ: true }, (p) => {
      if (p.endsWith('environ')) throw fsError('EACCES');
      return statusOrStat(proc.root, p);
    });
    assert.equal('ok' in noEnviron && noEnviron.ok.environ, null);
  } finally {
    proc.cleanup();
  }
});

const statusOrStat = (_root: string, p: string) => p.endsWith('status') ? statusText({ pid: 5, comm: 'app' }) : statLine({ pid: 5, comm: 'app' });

test('uids map to names from a passwd file, and an unknown uid stays a number', () => {
  const name = userNames('root:x:0:0:root:/root:/bin/bash\ntopz:x:10004:10004::/:/usr/sbin/nologin\n');
  assert.is(name(0), 'root');
  assert.is(name(10004), 'topz');
  assert.is(name(10005), '10005');
});

test.run();
