// The process level: topz's entry point in a child process, against a fake proc root.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { probe } from '../../lib/admin.js';
import { Registry } from '../../lib/metrics.js';
import { commonMetrics } from '../../lib/run.js';
import { undeclaredSeries } from '../../lib/test-support/metrics.js';
import { registerMetrics } from '../src/metrics.js';
import { exited, get, runMain } from '../../lib/test-support/child.js';
import { fakeProc, type FakeProc } from '../../lib/test-support/proc.js';
import { freePort, until } from '../../lib/test-support/wait.js';

const MAIN = fileURLToPath(new URL('../src/main.js', import.meta.url));

/** Tokens of 32 characters, the least topz takes. */
const FIRST = 'first-token-0123456789abcdefghij';
const SECOND = 'second-token-0123456789abcdefghi';

const run = (argv: string[], env: NodeJS.ProcessEnv = {}) => runMain(MAIN, argv, env);

interface Ctx {
  proc: FakeProc;
  dir: string;
}
const test = suite<Ctx>('topz process', {} as Ctx);
test.before((ctx) => {
  ctx.proc = fakeProc([
    { pid: 1, comm: 'catatonit', mnt: 'mnt:[1]' },
    { pid: 7, comm: 'app', mnt: 'mnt:[2]', cmdline: ['app', '--password=hunter2'], environ: ['DB_PASSWORD=hunter2'] },
  ]);
  ctx.dir = mkdtempSync(join(tmpdir(), 'topz-main-'));
});
test.after((ctx) => {
  ctx.proc.cleanup();
  rmSync(ctx.dir, { recursive: true, force: true });
});

test('a bad parameter exits 2 with one stderr line that names it', async () => {
  for (const [argv, env, line] of [
    [['--listen-port', '70000'], {}, /^topz: invalid --listen-port \(TOPZ_LISTEN_PORT\): "70000" is not a port \(1-65535\)$/],
    [['--max-processes', '0'], {}, /^topz: invalid --max-processes \(TOPZ_MAX_PROCESSES\): 0 is out of range/],
    [[], { TOPZ_SHOW_ENVIRONS: 'true' }, /^topz: unknown environment variable: TOPZ_SHOW_ENVIRONS /],
    [['--token', 'abc'], {}, /^topz: --token is a secret and cannot be a flag/],
  ] as [string[], NodeJS.ProcessEnv, RegExp][]) {
    const r = run(argv, env);
    assert.is((await exited(r)).code, 2, argv.join(' '));
    const lines = r.stderr.trim().split('\n');
    assert.is(lines.length, 1, r.stderr);
    assert.match(lines[0]!, line);
  }
});

test('a token shorter than 32 characters stops topz at start with one line naming it and the minimum, from TOPZ_TOKEN and from TOPZ_TOKEN_FILE', async ({
  proc,
  dir,
}) => {
  const short = 'x'.repeat(31);
  const file = join(dir, 'short-token');
  writeFileSync(file, `${short}\n`);
  const one = join(dir, 'one-char-token');
  writeFileSync(one, 'x');
  const rule =
    /^topz: invalid TOPZ_TOKEN \(or TOPZ_TOKEN_FILE\): is (31 characters|1 character) long; at least 32 characters are required$/;
  for (const env of [{ TOPZ_TOKEN: 'x' }, { TOPZ_TOKEN: short }, { TOPZ_TOKEN_FILE: file }, { TOPZ_TOKEN_FILE: one }]) {
    const r = run(['--proc-root', proc.root, '--admin-port', String(await freePort())], env);
    assert.is((await exited(r)).code, 2, JSON.stringify(env));
    const lines = r.stderr.trim().split('\n');
    assert.is(lines.length, 1, r.stderr);
    assert.match(lines[0]!, rule);
    assert.not.match(r.stderr + r.stdout, /x{31}/, 'the error never shows the token');
  }
});

test('a non-loopback address without a token stops topz at start with one line naming both remedies', async ({ proc }) => {
  const r = run(['--listen-address', '0.0.0.0', '--proc-root', proc.root, '--admin-port', String(await freePort())]);
  assert.is((await exited(r)).code, 2);
  assert.is(r.stderr, 'topz: --listen-address 0.0.0.0 is not loopback: set TOPZ_TOKEN_FILE, or pass --unsafe-no-auth\n');
});

test('start-up failures name the parameter in one line: a proc root without /proc shape, a port in use, the same port twice', async ({
  proc,
  dir,
}) => {
  const busy = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => busy.once('listening', r));
  const taken = (busy.address() as AddressInfo).port;
  const admin = String(await freePort());
  try {
    for (const [argv, line] of [
      [
        ['--proc-root', dir],
        `topz: invalid --proc-root (TOPZ_PROC_ROOT): ${dir} does not look like a proc file system (no <pid>/stat entries)\n`,
      ],
      [
        ['--proc-root', proc.root, '--listen-port', String(taken)],
        `topz: invalid --listen-port (TOPZ_LISTEN_PORT): 127.0.0.1:${taken} is already in use\n`,
      ],
      [
        ['--proc-root', proc.root, '--listen-port', admin],
        `topz: conflicting --listen-port (TOPZ_LISTEN_PORT) and --admin-port (TOPZ_ADMIN_PORT): both are ${admin}; each listener needs its own port\n`,
      ],
      [
        ['--proc-root', proc.root, '--listen-address', 'no-such-host.invalid', '--unsafe-no-auth'],
        'topz: invalid --listen-address (TOPZ_LISTEN_ADDRESS): "no-such-host.invalid" does not resolve to an address\n',
      ],
    ] as [string[], string][]) {
      const r = run([...argv, '--admin-port', admin, '--admin-address', '127.0.0.1']);
      assert.equal(await exited(r), { code: 2, signal: null }, argv.join(' '));
      assert.is(r.stderr, line);
    }
  } finally {
    busy.close();
  }
});

test('a running topz serves the fake proc root with a token from a file, warns loudly about a readable environ, and reloads the token on SIGHUP', async ({
  proc,
  dir,
}) => {
  const [listen, admin] = [await freePort(), await freePort()];
  const tokenFile = join(dir, 'token');
  writeFileSync(tokenFile, `${FIRST}\n`);
  const r = run(
    [
      '--listen-address',
      '127.0.0.1',
      '--listen-port',
      String(listen),
      '--admin-port',
      String(admin),
      '--admin-address',
      '127.0.0.1',
      '--proc-root',
      proc.root,
      '--show-cmdline',
      '--show-environ',
    ],
    { TOPZ_TOKEN_FILE: tokenFile },
  );
  try {
    await until('/readyz', () => probe(admin, '/readyz', 200));
    assert.is(readFileSync(`/proc/${r.child.pid}/comm`, 'utf8'), 'topz\n', 'ps and topz show it as topz, whatever the runtime');
    assert.is((await get(listen, '/api/processes')).status, 401);
    const res = await get(listen, '/api/processes', { authorization: `Bearer ${FIRST}` });
    assert.is(res.status, 200);
    const snap = JSON.parse(res.body) as { processes: { name: string; cmdline: string[] }[]; warnings: string[] };
    assert.equal(
      snap.processes.map((p) => p.name),
      ['catatonit', 'app'],
    );
    assert.equal(snap.processes[1]!.cmdline, ['app', '--password=<redacted>']);
    assert.not.match(res.body, /hunter2/);
    assert.ok(
      snap.warnings.some((w) => /PID 7 \(app\)/.test(w)),
      snap.warnings.join('; '),
    );
    assert.ok(r.stdout.includes('SECURITY WARNING'), 'the warning is logged');
    assert.not.match(r.stdout, /hunter2/);
    assert.not.ok(r.stdout.includes(FIRST), 'the token is never logged');

    // A token too short to reload is refused, and the last good one stays.
    writeFileSync(tokenFile, 'short\n');
    r.child.kill('SIGHUP');
    await until('the refused reload to be logged', () =>
      /token reload failed; keeping the last good one.*at least 32 characters/.test(r.stdout),
    );
    assert.is((await get(listen, '/metrics', { authorization: `Bearer ${FIRST}` })).status, 200, 'the last good token still works');
    assert.is((await get(listen, '/metrics', { authorization: 'Bearer short' })).status, 401);

    writeFileSync(tokenFile, `${SECOND}\n`);
    r.child.kill('SIGHUP');
    // Until the reload lands, the new token is refused: count those 401s, the metric must too.
    let refusedBeforeReload = 0;
    await until('the new token to be accepted', async () => {
      const status = (await get(listen, '/metrics', { authorization: `Bearer ${SECOND}` })).status;
      if (status === 401) refusedBeforeReload++;
      return status === 200;
    });
    assert.is((await get(listen, '/metrics', { authorization: `Bearer ${FIRST}` })).status, 401);
    // The admin /metrics serves what src/metrics.ts registers (the README's table), each series with declared labels only.
    const registered = new Registry('topz');
    commonMetrics(registered);
    registerMetrics(registered);
    const served = (await get(admin, '/metrics')).body;
    assert.match(served, new RegExp(`^topz_requests_total\\{route="/metrics",status="401"\\} ${refusedBeforeReload + 2}$`, 'm'));
    assert.match(served, /^topz_token_reloads_total\{result="error"\} 1$/m);
    assert.equal(undeclaredSeries(served, registered.definitions()), []);
    r.child.kill('SIGTERM');
    assert.is((await exited(r)).code, 0);
    assert.is(r.stderr, '');
  } finally {
    r.child.kill('SIGKILL');
  }
});

test.run();
