import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readText } from '../../lib/proc.js';
import { exposureWarning, privilege, readableEnvirons } from '../src/selfcheck.js';
import { fakeProc, fsError, statusText } from '../../lib/test-support/proc.js';

const test = suite('start-up self-check');
const OWN = 'mnt:[1]',
  OTHER = 'mnt:[2]';

test('an environ of another container that topz can read is reported, with a loud warning', () => {
  const proc = fakeProc([
    { pid: 10, comm: 'topz', mnt: OWN, environ: ['A=1'] },
    { pid: 11, comm: 'app', mnt: OTHER, environ: ['DB_PASSWORD=x'] },
  ]);
  try {
    const found = readableEnvirons(proc.root, 10, [10, 11]);
    assert.equal(found, [{ pid: 11, name: 'app' }]);
    assert.match(exposureWarning(found[0]!), /^SECURITY WARNING: topz can read the environment of PID 11 \(app\)/);
  } finally {
    proc.cleanup();
  }
});

test('EACCES (the safe case), empty environs and topz’s own container are not reported', () => {
  const proc = fakeProc([
    { pid: 10, comm: 'topz', mnt: OWN },
    { pid: 11, comm: 'app', mnt: OTHER, environ: ['SECRET=x'] },
    { pid: 12, comm: 'zombie', mnt: OTHER, environ: [] },
    { pid: 13, comm: 'node', mnt: OWN, environ: ['TOPZ_ADMIN_PORT=9701'] },
  ]);
  try {
    const denied = (p: string) => {
      if (p.endsWith('/11/environ')) throw fsError('EACCES');
      return readText(p);
    };
    assert.equal(readableEnvirons(proc.root, 10, [10, 11, 12, 13], { read: denied }), []);
  } finally {
    proc.cleanup();
  }
});

test('root or any effective capability is named as too much privilege; a plain user is fine', () => {
  assert.is(privilege(statusText({ pid: 1, comm: 'a', uid: 0 })), 'topz runs as root (uid 0)');
  assert.match(
    privilege(statusText({ pid: 2, comm: 'b', uid: 10004, capEff: '00000000a80425fb' })) ?? '',
    /holds capabilities \(CapEff 00000000a80425fb\)/,
  );
  assert.is(privilege(statusText({ pid: 3, comm: 'c', uid: 10004 })), undefined);
  assert.is(privilege(statusText({ pid: 4, comm: 'd', uid: 10004, euid: 0 })), 'topz runs as root (uid 0)', 'the effective uid counts');
});

test.run();
