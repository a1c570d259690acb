// The process against what an app may leave in the shared directory: a FIFO named like a log, and
// compressed rotations the README's include advice (app.log*) matches.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, chmodSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as assert from 'uvu/assert';
import { until } from '../../lib/test-support/wait.js';
import { bodies, LIMIT_MS, lines, processSuite, range, seqsOf, startShipper } from './process.js';

const test = processSuite('hostile directory');

test('a FIFO named like a rotated copy stalls nothing: after a truncation every file ships on, and it stays ready', async ({
  dir,
  relp,
}) => {
  writeFileSync(join(dir, 'app.log'), lines(1, 50));
  writeFileSync(join(dir, 'other.log'), lines(1001, 1050));
  const { r, metrics, status, kill } = await startShipper(dir, relp, ['--include', 'app.log*,other.log']);
  try {
    await until('the first 100 lines', () => seqsOf(relp).length === 100, LIMIT_MS);
    execFileSync('mkfifo', [join(dir, 'app.log.1')]);
    truncateSync(join(dir, 'app.log'), 0); // the look for a copy lists app.log.1
    writeFileSync(join(dir, 'app.log'), lines(51, 60));
    appendFileSync(join(dir, 'other.log'), lines(1051, 1060));
    await until('the lines written after the truncation, in both files', () => seqsOf(relp).length === 120, LIMIT_MS);
    assert.equal(seqsOf(relp), [...range(1, 60), ...range(1001, 1060)]);
    assert.is(await status('/readyz'), 200);
    assert.is(await status('/healthz'), 200);
    assert.is(r.child.exitCode, null, 'still running');
    assert.ok((await metrics()).get('log_shipper_read_pass_seconds')! < 5, 'no pass of the read loop is under way for long');
  } finally {
    await kill();
  }
});

test('compressed rotations that --include matches are not shipped by default: only the text log is read', async ({ dir, relp }) => {
  writeFileSync(join(dir, 'app.log'), lines(1, 100));
  writeFileSync(join(dir, 'app.log.2.gz'), gzipSync(lines(1000, 3000)));
  for (const ext of ['zst', 'xz', 'bz2', 'zip']) writeFileSync(join(dir, `app.log.3.${ext}`), randomBytes(4096));
  const { r, metrics, kill } = await startShipper(dir, relp, ['--include', 'app.log*']);
  try {
    await until('the 100 lines of app.log', () => seqsOf(relp).length === 100, LIMIT_MS);
    // Every file was adopted in the first scan and read in the same pass: anything else read is counted by now.
    const m = await metrics();
    const why = `; its log: ${r.stdout.slice(-2000)}`;
    assert.is(m.get('log_shipper_read_bytes_total'), readFileSync(join(dir, 'app.log')).length, `bytes read${why}`);
    assert.is(m.get('log_shipper_files'), 1, `files followed${why}`);
    assert.equal([...new Set(bodies(relp).map((b) => b.file))], ['app.log']);
  } finally {
    await kill();
  }
});

test('a file named like a log that the sidecar may not open is skipped with a warning, and every other file ships', async ({
  dir,
  relp,
}) => {
  chmodSync(dir, 0o777); // the registry is written as the user below
  writeFileSync(join(dir, 'app.log'), lines(1, 50));
  writeFileSync(join(dir, 'locked.log'), lines(900, 901));
  chmodSync(join(dir, 'locked.log'), 0);
  // Root reads any file: as root, run the sidecar as nobody, as the README says to run it as the app's user.
  const { r, kill } = await startShipper(dir, relp, [], process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {});
  try {
    await until('the 50 lines of app.log', () => seqsOf(relp).length === 50, LIMIT_MS);
    appendFileSync(join(dir, 'app.log'), lines(51, 60));
    await until('the lines written later', () => seqsOf(relp).length === 60, LIMIT_MS);
    assert.equal(seqsOf(relp), range(1, 60));
    const warnings = r.stdout.split('\n').filter((l) => l.includes('cannot open a file'));
    assert.is(warnings.length, 1, 'one warning, not one per scan');
    assert.match(warnings[0]!, /locked\.log/);
  } finally {
    await kill();
  }
});

test.run();
