// The process level: the real entry point, as the image runs it, against a fake RELP receiver.
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { exited, runMain } from '../../lib/test-support/child.js';
import { hostileRound } from '../../lib/test-support/hostile.js';
import { until } from '../../lib/test-support/wait.js';
import { FakeRelp } from './fake-relp.js';
import { bodies, LIMIT_MS, lines, MAIN, range, seqsOf, startShipper } from './process.js';

interface Ctx {
  dir: string;
}
const test = suite<Ctx>('log-shipper process', {} as Ctx);
test.before.each((ctx) => {
  ctx.dir = mkdtempSync(join(tmpdir(), 'log-shipper-main-'));
});
test.after.each((ctx) => rmSync(ctx.dir, { recursive: true, force: true }));

test('a bad parameter stops it at start with exit 2 and one stderr line naming the parameter', async ({ dir }) => {
  const cases: [string[], RegExp][] = [
    [['--dir', dir], /^log-shipper: required parameter: --relp-host or LOG_SHIPPER_RELP_HOST must be specified$/],
    [
      ['--dir', dir, '--relp-host', 'r', '--multiline-start', '(x'],
      /^log-shipper: invalid --multiline-start \(LOG_SHIPPER_MULTILINE_START\): "\(x" is not a regular expression/,
    ],
    [
      ['--dir', dir, '--relp-host', 'r', '--close-idle', '1s', '--multiline-timeout', '2s'],
      /^log-shipper: invalid --close-idle \(LOG_SHIPPER_CLOSE_IDLE\)/,
    ],
    [['--dir', join(dir, 'missing'), '--relp-host', 'r'], /^log-shipper: invalid --dir \(LOG_SHIPPER_DIR\)/],
  ];
  for (const [argv, want] of cases) {
    const r = runMain(MAIN, argv);
    const { code } = await exited(r);
    assert.is(code, 2, `${argv.join(' ')}: ${r.stderr}`);
    assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr.trim(), want);
  }
  const r = runMain(MAIN, ['--dir', dir, '--relp-host', 'r'], { LOG_SHIPPER_RELP_PROT: '1' });
  assert.is((await exited(r)).code, 2);
  assert.match(r.stderr, /LOG_SHIPPER_RELP_PROT/);
});

test('a --registry-file that --include matches is refused at start with one line naming both, and the log is left as it was', async ({
  dir,
}) => {
  writeFileSync(join(dir, 'app.log'), lines(1, 50));
  for (const [registry, include] of [
    ['app.log', '*.log'],
    ['app.log', 'app.log*'],
    ['reg.json', '*'],
    ['.reg', '.*'],
  ] as const) {
    const r = runMain(MAIN, ['--dir', dir, '--relp-host', 'r', '--registry-file', registry, '--include', include]);
    assert.is((await exited(r)).code, 2, `${registry} ${include}: ${r.stderr}`);
    assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /^log-shipper: invalid --registry-file \(LOG_SHIPPER_REGISTRY_FILE\): .*--include/);
  }
  assert.is(readFileSync(join(dir, 'app.log'), 'utf8'), lines(1, 50));
  assert.equal(readdirSync(dir), ['app.log']);
});

test('a registry path that is a directory and an --include with an empty pattern exit 2 with one line naming the parameter', async ({
  dir,
}) => {
  mkdirSync(join(dir, 'reg.d'));
  const cases: [string[], RegExp][] = [
    [['--registry-file', '.'], /^log-shipper: invalid --registry-file \(LOG_SHIPPER_REGISTRY_FILE\)/],
    [['--registry-file', 'reg.d'], /^log-shipper: invalid --registry-file \(LOG_SHIPPER_REGISTRY_FILE\): .*directory/],
    [['--include', ','], /^log-shipper: invalid --include \(LOG_SHIPPER_INCLUDE\): .*empty/],
    [['--include', ',,,'], /^log-shipper: invalid --include \(LOG_SHIPPER_INCLUDE\): .*empty/],
    [['--include', '*.log,'], /^log-shipper: invalid --include \(LOG_SHIPPER_INCLUDE\): .*empty/],
    [['--include', ' , '], /^log-shipper: invalid --include \(LOG_SHIPPER_INCLUDE\): .*empty/],
  ];
  for (const [argv, want] of cases) {
    const r = runMain(MAIN, ['--dir', dir, '--relp-host', 'r', ...argv]);
    assert.is((await exited(r)).code, 2, `${argv.join(' ')}: ${r.stderr}`);
    assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr.trim(), want);
  }
});

test('it ships every line once with its id, and the registry holds the acknowledged offset', async ({ dir }) => {
  const relp = await new FakeRelp().start();
  writeFileSync(join(dir, 'app.log'), lines(1, 200));
  const { r, metrics } = await startShipper(dir, relp);
  try {
    await until('200 lines', () => seqsOf(relp).length === 200, LIMIT_MS);
    assert.equal(seqsOf(relp), range(1, 200));
    const size = readFileSync(join(dir, 'app.log')).length;
    await until(
      'the registry at the end of the file',
      () => {
        try {
          const reg = JSON.parse(readFileSync(join(dir, '.log-shipper-registry.json'), 'utf8'));
          return (Object.values(reg.files) as { offset: number }[])[0]?.offset === size;
        } catch {
          return false;
        }
      },
      LIMIT_MS,
    );
    await until('no lag', async () => (await metrics()).get('log_shipper_lag_bytes{file="app.log"}') === 0, LIMIT_MS);
    const m = await metrics();
    assert.is(m.get('log_shipper_acked_records_total'), 200);
    assert.is(m.get('log_shipper_read_lines_total'), 200);
    assert.is(m.get('log_shipper_lag_bytes{file="app.log"}'), 0);
    assert.ok(bodies(relp).every((b) => /^[0-9a-f]{16}:\d+-\d+$/.test(b.id)));
  } finally {
    r.child.kill('SIGKILL');
    await relp.stop();
  }
});

test('SIGTERM ships everything already written, more than its memory bound holds, then exits 0', async ({ dir }) => {
  const relp = await new FakeRelp().start();
  writeFileSync(join(dir, 'app.log'), lines(1, 10));
  const bound = ['--max-buffer-bytes', '262144', '--batch-max-bytes', '65536'];
  const { r } = await startShipper(dir, relp, ['--poll-interval', '1m', '--scan-interval', '1m', ...bound]);
  try {
    appendFileSync(join(dir, 'app.log'), lines(11, 40_000)); // not read yet: the loop sleeps a minute
    r.child.kill('SIGTERM');
    assert.is((await exited(r, 20_000)).code, 0, r.stdout);
    assert.equal(seqsOf(relp), range(1, 40_000));
  } finally {
    await relp.stop();
  }
});

test('killed with SIGKILL and started again, it loses nothing, and what it sends twice has the same ids', async ({ dir }) => {
  const relp = await new FakeRelp().start();
  relp.holdMs = 5;
  writeFileSync(join(dir, 'app.log'), lines(1, 20_000));
  const first = await startShipper(dir, relp, ['--batch-max-records', '100']);
  await until('some lines delivered', () => relp.messages.length > 1000, LIMIT_MS);
  first.r.child.kill('SIGKILL');
  await exited(first.r);
  const before = relp.messages.length;
  appendFileSync(join(dir, 'app.log'), lines(20_001, 20_100));
  const second = await startShipper(dir, relp);
  try {
    await until('every line', () => seqsOf(relp).length === 20_100, 20_000);
    assert.equal(seqsOf(relp), range(1, 20_100));
    assert.ok(before < 20_100, 'the kill came before everything was delivered');
    const byId = new Map<string, number>();
    for (const b of bodies(relp)) {
      const seen = byId.get(b.id);
      assert.ok(seen === undefined || seen === b.fields!.seq, `id ${b.id} names one line`);
      byId.set(b.id, b.fields!.seq);
    }
    assert.is(byId.size, 20_100, 'one id per line: a receiver that keeps ids unique stores each line once');
  } finally {
    second.r.child.kill('SIGKILL');
    await relp.stop();
  }
});

test('every malformed request target to the admin port gets a 4xx, and the sidecar keeps running', async ({ dir }) => {
  const relp = await new FakeRelp().start();
  const { r, admin } = await startShipper(dir, relp);
  try {
    const statuses = await hostileRound({ port: admin });
    for (const [target, status] of statuses) assert.ok(status !== undefined && status >= 400 && status < 500, `${target} -> ${status}`);
    assert.is(r.child.exitCode, null, `still running; stderr: ${r.stderr}`);
    assert.is((await fetch(`http://127.0.0.1:${admin}/healthz`)).status, 200);
  } finally {
    r.child.kill('SIGKILL');
    await relp.stop();
  }
});

test.run();
