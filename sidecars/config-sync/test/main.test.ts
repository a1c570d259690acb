// The process level: the real entry point, as the image runs it, against a fake etcd.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { exited, runMain } from '../../lib/test-support/child.js';
import { hostileRound } from '../../lib/test-support/hostile.js';
import { freePort, until } from '../../lib/test-support/wait.js';
import { FakeEtcd } from './fake-etcd.js';

const MAIN = fileURLToPath(new URL('../src/main.js', import.meta.url));

const run = (argv: string[], env: NodeJS.ProcessEnv = {}) => runMain(MAIN, argv, env);

interface Ctx {
  dir: string;
}
const test = suite<Ctx>('config-sync process', {} as Ctx);
test.before.each((ctx) => {
  ctx.dir = mkdtempSync(join(tmpdir(), 'config-sync-main-'));
});
test.after.each((ctx) => rmSync(ctx.dir, { recursive: true, force: true }));

test('a bad parameter stops it at start with exit 2 and one stderr line naming the parameter', async ({ dir }) => {
  const schema = join(dir, 'bad.schema.json');
  writeFileSync(schema, JSON.stringify({ type: 'object', requird: ['version'] }));
  const base = ['--key', '/cfg', '--dir', dir];
  const cases: [string[], RegExp][] = [
    [
      [...base, '--reload', 'bounce'],
      /^config-sync: invalid --reload \(CONFIG_SYNC_RELOAD\): "bounce" is not one of signal\|http\|restart\|none$/,
    ],
    [
      [...base, '--reload', 'none', '--etcd-url', 'etcd:2379'],
      /^config-sync: invalid --etcd-url \(CONFIG_SYNC_ETCD_URL\): "etcd:2379" is not a http\|https URL$/,
    ],
    [
      [...base, '--reload', 'none', '--etcd-url', 'http://etcd:2379/v3'],
      /^config-sync: invalid --etcd-url \(CONFIG_SYNC_ETCD_URL\): "http:\/\/etcd:2379\/v3" has a path; give only scheme:\/\/host\[:port\]$/,
    ],
    [
      [...base, '--reload', 'none', '--etcd-url', 'http://127.0.0.1:99999'],
      /^config-sync: invalid --etcd-url \(CONFIG_SYNC_ETCD_URL\): "http:\/\/127\.0\.0\.1:99999" has port 99999, not a port \(1-65535\)$/,
    ],
    [
      [...base, '--reload', 'none', '--etcd-url', 'http://root:hunter2@etcd:2379'],
      /^config-sync: invalid --etcd-url \(CONFIG_SYNC_ETCD_URL\): "http:\/\/<credentials>@etcd:2379" carries credentials; give them as a secret instead$/,
    ],
    [
      [...base, '--reload', 'none', '--dir', `${dir}/new\nline`],
      /^config-sync: invalid --dir \(CONFIG_SYNC_DIR\): .*new\\x0aline does not exist/,
    ],
    [
      [...base, '--reload', 'none', '--admin-port', '9902', '--admin-address', 'no-such-host.invalid'],
      /^config-sync: invalid --admin-address \(CONFIG_SYNC_ADMIN_ADDRESS\): "no-such-host\.invalid" does not resolve to an address$/,
    ],
    [
      [...base, '--reload', 'none', '--watch-idle-timeout', '600h'],
      /^config-sync: invalid --watch-idle-timeout \(CONFIG_SYNC_WATCH_IDLE_TIMEOUT\): 600h is out of range \(1s-1h\)$/,
    ],
    [
      [...base, '--reload', 'restart'],
      /^config-sync: missing --process \(CONFIG_SYNC_PROCESS\): --reload restart needs the name of the app process$/,
    ],
    [[...base, '--reload', 'http'], /^config-sync: missing --reload-url \(CONFIG_SYNC_RELOAD_URL\)/],
    [
      [...base, '--reload', 'none', '--schema', schema],
      /^config-sync: invalid --schema \(CONFIG_SYNC_SCHEMA\): strict mode: unknown keyword: "requird"$/,
    ],
    [[...base, '--reload', 'none', '--file', '../escape.json'], /^config-sync: invalid --file \(CONFIG_SYNC_FILE\)/],
    [['--dir', dir, '--reload', 'none'], /^config-sync: required parameter: --key or CONFIG_SYNC_KEY must be specified$/],
  ];
  for (const [argv, line] of cases) {
    const r = run(argv);
    const { code } = await exited(r);
    assert.equal({ code, lines: r.stderr.trim().split('\n').length }, { code: 2, lines: 1 }, `${argv.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr.trim(), line);
  }
});

test('--file naming a directory stops it at start with exit 2 and one line naming --file and the rule, in both write modes', async ({
  dir,
}) => {
  mkdirSync(join(dir, 'sub'));
  const cases: [string[], RegExp][] = [
    [
      ['--file', '.'],
      /^config-sync: invalid --file \(CONFIG_SYNC_FILE\): "\." is not a file name \(no \/, not \. and not starting with \.\.\)$/,
    ],
    [['--file', 'sub'], /^config-sync: invalid --file \(CONFIG_SYNC_FILE\): .*\/sub is a directory, not a file$/],
    [
      ['--file', 'sub', '--write-mode', 'symlink'],
      /^config-sync: invalid --file \(CONFIG_SYNC_FILE\): .*\/sub is a directory, not a file$/,
    ],
  ];
  for (const [argv, line] of cases) {
    const r = run(['--key', '/cfg', '--dir', dir, '--reload', 'none', '--admin-port', String(await freePort()), ...argv]);
    const { code } = await exited(r);
    assert.equal({ code, lines: r.stderr.trim().split('\n').length }, { code: 2, lines: 1 }, `${argv.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr.trim(), line);
  }
});

test('every malformed request target to the admin port gets a 4xx, and the sidecar keeps running and serving', async ({ dir }) => {
  const etcd = await new FakeEtcd().start();
  const port = await freePort();
  const r = run(['--key', '/cfg', '--dir', dir, '--reload', 'none', '--etcd-url', etcd.url, '--admin-address', '127.0.0.1'], {
    CONFIG_SYNC_ADMIN_PORT: String(port),
  });
  try {
    await until('the admin port', async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined))?.status === 200);
    const statuses = await hostileRound({ port });
    for (const [target, status] of statuses) assert.ok(status !== undefined && status >= 400 && status < 500, `${target} -> ${status}`);
    assert.is(statuses.get('//['), 400);
    assert.is(r.child.exitCode, null, `still running; stderr: ${r.stderr}`);
    assert.is((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);
  } finally {
    r.child.kill('SIGKILL');
    await etcd.stop();
  }
});

test('against etcd: not ready without a config, then the value is written, ready, and SIGTERM drains it', async ({ dir }) => {
  const etcd = await new FakeEtcd().start();
  const port = await freePort();
  const env = { CONFIG_SYNC_ADMIN_PORT: String(port) };
  const r = run(['--key', '/cfg', '--dir', dir, '--reload', 'none', '--etcd-url', etcd.url, '--log-level', 'debug'], env);
  try {
    await until('the admin port', async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined))?.status === 200);
    // Before its first answer from etcd the reason is "etcd not reached yet"; wait for that answer (the event).
    let before = { status: 0, text: '' };
    await until('etcd’s first answer in /readyz', async () => {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`);
      before = { status: res.status, text: (await res.text()).trim() };
      return before.text !== 'not ready: no config yet: etcd not reached yet';
    });
    assert.equal([before.status, before.text], [503, 'not ready: no config yet: key /cfg does not exist in etcd']);
    const probe = run(['healthcheck', '--ready'], env);
    assert.is((await exited(probe)).code, 1, 'healthcheck --ready fails while not ready');
    assert.is((await exited(run(['healthcheck'], env))).code, 0, 'plain healthcheck (alive) passes');

    etcd.put('/cfg', '{"hello": "world"}');
    await until('the file', () => existsSync(join(dir, 'config.json')));
    assert.is(readFileSync(join(dir, 'config.json'), 'utf8'), '{"hello": "world"}');
    assert.is((await fetch(`http://127.0.0.1:${port}/readyz`)).status, 200);
    assert.is((await exited(run(['healthcheck', '--ready'], env))).code, 0, 'healthcheck --ready passes once ready');
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    assert.match(metrics, /^config_sync_applied_revision 2$/m);
    assert.match(metrics, /^config_sync_watch_connected 1$/m);

    r.child.kill('SIGTERM');
    assert.is((await exited(r)).code, 0);
    assert.match(r.stdout, /"msg":"drained"/);
  } finally {
    r.child.kill('SIGKILL');
    await etcd.stop();
  }
});

test.run();
