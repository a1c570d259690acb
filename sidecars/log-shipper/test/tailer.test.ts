import { appendFileSync, copyFileSync, mkdirSync, renameSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { tmpSuite } from '../../lib/test-support/basics.js';
import type { Shipped } from '../src/tracked.js';
import { closeTailers, drain, lines, seqs, tailerIn, texts } from './tailer-support.js';

const test = tmpSuite('tailer');
let n = 0;
test.after.each(closeTailers);

test('a new file is read from its first byte, and each record carries the file fingerprint and offset', async ({ tmp }) => {
  const dir = join(tmp, `d${n++}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'app.log'), lines(1, 3));
  const { t } = tailerIn(dir);
  const rs = await drain(t);
  assert.equal(texts(rs), seqs(1, 3));
  assert.equal(
    rs.map((r) => r.start),
    [0, 10, 20],
  );
  assert.ok(rs.every((r) => r.fp === rs[0]!.fp && /^[0-9a-f]{16}$/.test(r.fp)));
});

test('a file known to the registry is read on from its acknowledged offset, not from 0', async ({ tmp }) => {
  const dir = join(tmp, `d${n++}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'app.log'), lines(1, 3));
  const first = tailerIn(dir);
  const rs = await drain(first.t);
  first.registry.ack(rs[1]!.fp, rs[1]!.end, rs[1]!.from.where);
  await first.registry.save();
  appendFileSync(join(dir, 'app.log'), lines(4, 5));
  const again = tailerIn(dir);
  await again.registry.load();
  assert.equal(texts(await drain(again.t)), seqs(3, 5));
});

test('rename rotation: the renamed file is read to its end, the new one from 0, with no line lost or read twice', async ({ tmp }) => {
  const dir = join(tmp, `d${n++}`);
  mkdirSync(dir);
  const log = join(dir, 'app.log');
  writeFileSync(log, lines(1, 3));
  const { t } = tailerIn(dir);
  const got = await drain(t);
  appendFileSync(log, lines(4, 5));
  renameSync(log, join(dir, 'app.log.1')); // out of the glob *.log
  appendFileSync(join(dir, 'app.log.1'), lines(6, 6)); // the app still writes to its old descriptor
  writeFileSync(log, lines(7, 9)); // then reopens
  got.push(...(await drain(t)));
  assert.equal(texts(got), seqs(1, 9));
});

test('copytruncate: the copy is read on from where the original stopped, the truncated file from 0, nothing twice', async ({ tmp }) => {
  const dir = join(tmp, `d${n++}`);
  mkdirSync(dir);
  const log = join(dir, 'app.log');
  writeFileSync(log, lines(1, 10));
  const { t, rotations } = tailerIn(dir, 'app.log*');
  const got: Shipped[] = [];
  await t.scan();
  await t.read(30, got); // part of the file only: the rest is read from the copy
  copyFileSync(log, join(dir, 'app.log.1'));
  await t.scan(); // sees the copy while the original is intact: not read twice
  truncateSync(log, 0);
  writeFileSync(log, lines(11, 12), { flag: 'a' });
  got.push(...(await drain(t)));
  assert.equal(texts(got), seqs(1, 12));
  assert.equal(rotations, ['copytruncate']);
});

test('a truncated file with no copy is read from 0 again as a new file', async ({ tmp }) => {
  const dir = join(tmp, `d${n++}`);
  mkdirSync(dir);
  const log = join(dir, 'app.log');
  writeFileSync(log, lines(1, 5));
  const { t, rotations } = tailerIn(dir);
  const got = await drain(t);
  truncateSync(log, 0);
  appendFileSync(log, lines(6, 7));
  got.push(...(await drain(t)));
  assert.equal(texts(got), seqs(1, 7));
  assert.equal(rotations, ['truncate']);
});

test('the same inode with another first line is a new file (inode reuse), even when it is longer than the old one', async ({ tmp }) => {
  const dir = join(tmp, `d${n++}`);
  mkdirSync(dir);
  const log = join(dir, 'app.log');
  writeFileSync(log, lines(1, 2));
  const { t } = tailerIn(dir);
  const first = await drain(t);
  const ino = statSync(log).ino;
  writeFileSync(log, lines(100, 110)); // same inode, new content, longer than what was read
  assert.is(statSync(log).ino, ino);
  const second = await drain(t);
  assert.equal(texts(second), seqs(100, 110));
  assert.is.not(second[0]!.fp, first[0]!.fp);
});

test('a file whose first line is not complete is not read yet; names outside the globs, dot files and subdirectories never are', async ({
  tmp,
}) => {
  const dir = join(tmp, `d${n++}`);
  mkdirSync(dir);
  mkdirSync(join(dir, 'sub.log'));
  writeFileSync(join(dir, 'sub.log', 'inner.log'), lines(1, 1));
  writeFileSync(join(dir, 'app.log'), '{"seq":1');
  writeFileSync(join(dir, 'other.txt'), lines(1, 1));
  writeFileSync(join(dir, '.hidden.log'), lines(1, 1));
  const { t } = tailerIn(dir);
  assert.equal(await drain(t), []);
  appendFileSync(join(dir, 'app.log'), '}\n');
  assert.equal(texts(await drain(t)), ['{"seq":1}']);
});

test('reading stops at the budget and goes on from there', async ({ tmp }) => {
  const dir = join(tmp, `d${n++}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'app.log'), lines(1, 100));
  const { t } = tailerIn(dir);
  await t.scan();
  const out: Shipped[] = [];
  const got = await t.read(100, out);
  assert.is(got, 100);
  while (await t.read(100, out)) {}
  assert.equal(texts(out), seqs(1, 100));
});

test.run();
