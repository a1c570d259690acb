// A repository URL the local git cannot fetch is refused at start, naming --repo, rather than failing every sync.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ParamError } from '../../lib/parse.js';
import { checkTransport, transportNeed } from '../src/transport.js';

const test = suite('transport');

test('git:// and file:// need nothing but git; http(s) needs its helper; ssh URLs need an ssh client', () => {
  assert.equal(['git://h/r', 'file:///srv/r', '/srv/r', 'https://h/r', 'HTTP://h/r', 'ssh://git@h/r', 'git@h:o/r'].map(transportNeed), [
    undefined,
    undefined,
    undefined,
    { helper: 'git-remote-https' },
    { helper: 'git-remote-https' },
    { program: 'ssh' },
    { program: 'ssh' },
  ]);
});

test('an ssh URL with no ssh on PATH is refused with a ParamError naming repo', () => {
  const empty = mkdtempSync(join(tmpdir(), 'git-sync-path-'));
  try {
    checkTransport('ssh://git@h/r', { PATH: empty });
    assert.unreachable('must refuse');
  } catch (e) {
    assert.instance(e, ParamError);
    assert.is((e as ParamError).key, 'repo');
    assert.match((e as Error).message, /needs an ssh client/);
  } finally {
    rmSync(empty, { recursive: true });
  }
});

test('a git:// URL passes whatever PATH holds', () => {
  assert.not.throws(() => checkTransport('git://h/r', { PATH: '' }));
});

test.run();
