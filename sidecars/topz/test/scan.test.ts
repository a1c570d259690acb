import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readText } from '../../lib/proc.js';
import { scan } from '../src/scan.js';
import { fakeProc, fsError, type FakeProc } from '../../lib/test-support/proc.js';

const test = suite<{ proc: FakeProc }>('scan: vanished processes and caps', { proc: undefined as unknown as FakeProc });
const base = { maxProcesses: 100, timeoutMs: 1000, cmdline: false, environ: false };

test.before.each((ctx) => {
  ctx.proc = fakeProc([1, 2, 3, 4, 5].map((pid) => ({ pid, comm: `p${pid}` })));
});
test.after.each((ctx) => ctx.proc.cleanup());

test('a complete scan lists every process, lowest PID first', ({ proc }) => {
  const r = scan({ ...base, root: proc.root });
  assert.equal(
    r.processes.map((p) => p.pid),
    [1, 2, 3, 4, 5],
  );
  assert.equal({ truncated: r.truncated, skipped: r.skipped }, { truncated: null, skipped: { vanished: 0, unreadable: 0 } });
});

test('a PID listed but gone before it is read is skipped and counted, and the scan succeeds', ({ proc }) => {
  mkdirSync(join(proc.root, '6')); // listed by readdir, but its files are gone
  const r = scan({ ...base, root: proc.root });
  assert.equal(
    r.processes.map((p) => p.pid),
    [1, 2, 3, 4, 5],
  );
  assert.is(r.skipped.vanished, 1);
});

test('a process that exits between its stat and its status read is skipped too', ({ proc }) => {
  const read = (path: string) => {
    if (path.endsWith(join('3', 'status'))) {
      proc.remove(3);
      throw fsError('ENOENT');
    }
    return readText(path);
  };
  const r = scan({ ...base, root: proc.root, read });
  assert.equal(
    r.processes.map((p) => p.pid),
    [1, 2, 4, 5],
  );
  assert.equal(r.skipped, { vanished: 1, unreadable: 0 });
});

test('ESRCH counts as vanished and other errors as unreadable', ({ proc }) => {
  const read = (path: string) => {
    if (path.endsWith(join('2', 'stat'))) throw fsError('ESRCH');
    if (path.endsWith(join('4', 'stat'))) throw fsError('EACCES');
    return readText(path);
  };
  assert.equal(scan({ ...base, root: proc.root, read }).skipped, { vanished: 1, unreadable: 1 });
});

test('the process cap stops the scan and says so', ({ proc }) => {
  const r = scan({ ...base, root: proc.root, maxProcesses: 2 });
  assert.equal(
    r.processes.map((p) => p.pid),
    [1, 2],
  );
  assert.is(r.truncated, 'maxProcesses');
});

test('the time cap stops the scan and says so (a fake clock that advances 5 ms per file read)', ({ proc }) => {
  let t = 0;
  const r = scan({
    ...base,
    root: proc.root,
    timeoutMs: 25,
    now: () => t,
    read: (p) => {
      t += 5;
      return readText(p);
    },
  });
  assert.equal(
    r.processes.map((p) => p.pid),
    [1, 2, 3],
  );
  assert.is(r.truncated, 'scanTimeout');
  assert.is(r.ms, 30);
});

test.run();
