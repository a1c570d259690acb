import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readProcess, userNames } from '../src/proc.js';
import { fakeProc, fsError, statLine, statusText } from '../../lib/test-support/proc.js';

// The parsers themselves are tested with sidecars/lib/proc.ts (sidecars/lib/test/proc.test.ts).
const test = suite('topz: reading one process');

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
    const eacces = (path: string) => {
      throw fsError(path.endsWith('environ') || path.endsWith('stat') ? 'EACCES' : 'EIO');
    };
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

const statusOrStat = (_root: string, p: string) =>
  p.endsWith('status') ? statusText({ pid: 5, comm: 'app' }) : statLine({ pid: 5, comm: 'app' });

test('uids map to names from a passwd file, and an unknown uid stays a number', () => {
  const name = userNames('root:x:0:0:root:/root:/bin/bash\ntopz:x:10004:10004::/:/usr/sbin/nologin\n');
  assert.is(name(0), 'root');
  assert.is(name(10004), 'topz');
  assert.is(name(10005), '10005');
});

test.run();
