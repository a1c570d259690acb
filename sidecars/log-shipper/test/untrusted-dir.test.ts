// The shared directory is the app's: whatever it puts there (links out of it, FIFOs) is never followed
// or opened in a way that reads outside --dir or blocks.
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { tmpSuite } from '../../lib/test-support/basics.js';
import { within } from '../../lib/test-support/wait.js';
import { openFile } from '../src/identity.js';
import { closeTailers, drain, lines, seqs, tailerIn, texts } from './tailer-support.js';

const test = tmpSuite('untrusted dir');
let n = 0;
test.after.each(closeTailers);

/** A directory with app.log (seq 1-3) beside a directory outside it that holds a secret file and a subdirectory. */
function layout(tmp: string) {
  const dir = join(tmp, `d${n}`);
  const outside = join(tmp, `outside${n++}`);
  mkdirSync(dir);
  mkdirSync(join(outside, 'sub'), { recursive: true });
  writeFileSync(join(outside, 'secret.txt'), '{"seq":666}\n');
  writeFileSync(join(outside, 'sub', 'inner.log'), '{"seq":667}\n');
  writeFileSync(join(dir, 'app.log'), lines(1, 3));
  return { dir, outside };
}

test('no link is followed: not out of --dir (relative, absolute, to a directory), nor to a file inside it', async ({ tmp }) => {
  const { dir, outside } = layout(tmp);
  symlinkSync(`../${outside.split('/').pop()}/secret.txt`, join(dir, 'relative.log'));
  symlinkSync(join(outside, 'secret.txt'), join(dir, 'absolute.log'));
  symlinkSync('/etc/hostname', join(dir, 'hostname.log'));
  symlinkSync(join(outside, 'sub'), join(dir, 'directory.log'));
  symlinkSync('app.log', join(dir, 'alias.log'));
  const { t } = tailerIn(dir, '*');
  const got = await drain(t);
  assert.equal(texts(got), seqs(1, 3));
  assert.equal([...new Set(got.map((r) => r.from.name))], ['app.log']);
  assert.is(t.files.size, 1);
});

test('opening a name refuses a link even where the listing saw a regular file (a link swapped in after it)', async ({ tmp }) => {
  const { dir, outside } = layout(tmp);
  symlinkSync(join(outside, 'secret.txt'), join(dir, 'swapped.log'));
  assert.is(await openFile(join(dir, 'swapped.log')), undefined);
  const f = await openFile(join(dir, 'app.log'));
  assert.ok(f?.fp, 'a regular file is opened and fingerprinted');
  await f!.fh.close();
});

test('a FIFO, a socket or a directory named like a log is not opened for reading, and opening it never blocks', async ({ tmp }) => {
  const { dir } = layout(tmp);
  execFileSync('mkfifo', [join(dir, 'pipe.log')]);
  assert.is(await within(5000, 'opening a FIFO', openFile(join(dir, 'pipe.log'))), undefined);
  const server = createServer().listen(join(dir, 'socket.log'));
  await new Promise((r) => server.once('listening', r));
  assert.is(await within(5000, 'opening a socket', openFile(join(dir, 'socket.log'))), undefined);
  server.close();
  mkdirSync(join(dir, 'directory.log'));
  assert.is(await within(5000, 'opening a directory', openFile(join(dir, 'directory.log'))), undefined);
});

test.run();
