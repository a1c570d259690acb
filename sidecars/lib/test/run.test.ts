import { createServer, type AddressInfo } from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { type Readiness, type AdminServer as Server, startAdmin } from '../admin.js';
import { commands, helpText } from '../help.js';
import { createLogger } from '../log.js';
import { Registry } from '../metrics.js';
import { port, string } from '../params.js';
import type { Spec } from '../parse.js';
import { commonMetrics, commonParams, gaugedReadiness, preflight, VERSION } from '../run.js';

const params = {
  upstreamPort: port({ default: 8080, description: 'App port.' }),
  greeting: string({ required: true, description: 'What to say.' }),
  ...commonParams(9999),
};
const spec: Spec<typeof params> = { name: 'demo', prefix: 'DEMO', summary: 'says hello.', params };

async function unusedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const p = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return p;
}

const test = suite('preflight');

test('--help anywhere in argv exits 0 with the table-driven help on stdout and nothing on stderr', async () => {
  for (const argv of [['--help'], ['--upstream-port', '70000', '--help'], ['-h']]) {
    const r = await preflight(spec, argv, { DEMO_BOGUS: 'x' });
    assert.equal(r, { exit: { code: 0, stdout: helpText(spec) } }, argv.join(' '));
  }
});

test('--version exits 0 printing the name and version', async () => {
  assert.equal(await preflight(spec, ['--version'], {}), { exit: { code: 0, stdout: `demo ${VERSION}\n` } });
});

test('good input yields the typed parameters, common ones included with their defaults', async () => {
  const r = await preflight(spec, ['--greeting', 'hi'], { DEMO_UPSTREAM_PORT: '9000' });
  assert.equal(r, {
    params: { upstreamPort: 9000, greeting: 'hi', adminPort: 9999, adminAddress: '0.0.0.0', logLevel: 'info', drainTimeout: 10_000 },
  });
});

test('a bad parameter exits 2 with exactly one stderr line, prefixed by the sidecar name', async () => {
  const cases: [string[], NodeJS.ProcessEnv, string][] = [
    [['--greeting', 'hi', '--admin-port', '70000'], {}, 'demo: invalid --admin-port (DEMO_ADMIN_PORT): "70000" is not a port (1-65535)\n'],
    [
      ['--greeting', 'hi'],
      { DEMO_LOG_LEVEL: 'verbose' },
      'demo: invalid --log-level (DEMO_LOG_LEVEL): "verbose" is not one of debug|info|warn|error\n',
    ],
    [
      ['--greeting', 'hi', '--drain-timeout', '11m'],
      {},
      'demo: invalid --drain-timeout (DEMO_DRAIN_TIMEOUT): 11m is out of range (0s-10m)\n',
    ],
    [[], {}, 'demo: required parameter: --greeting or DEMO_GREETING must be specified\n'],
    [
      ['--greeting', 'hi'],
      { DEMO_GREETNG: 'hi' },
      'demo: unknown environment variable: DEMO_GREETNG is not a parameter of demo (see --help)\n',
    ],
  ];
  for (const [argv, env, stderr] of cases) {
    const r = await preflight(spec, argv, env);
    assert.equal(r, { exit: { code: 2, stderr } });
    assert.is(stderr.split('\n').length, 2, 'one line');
  }
});

test('healthcheck exits 0 when the admin port from PREFIX_ADMIN_PORT answers /healthz, and 1 when nothing does', async () => {
  const admin: Server = await startAdmin({
    port: 0,
    address: '127.0.0.1',
    log: createLogger('demo', 'error', () => {}),
    registry: new Registry('demo'),
    readiness: () => ({ ready: true }),
  });
  try {
    const live = (admin.address() as AddressInfo).port;
    assert.equal(await preflight(spec, ['healthcheck'], { DEMO_ADMIN_PORT: String(live) }), { exit: { code: 0 } });
  } finally {
    await new Promise((r) => admin.close(r));
  }
  assert.equal(await preflight(spec, ['healthcheck'], { DEMO_ADMIN_PORT: String(await unusedPort()) }), { exit: { code: 1 } });
});

test('each command --help lists is answered as it says: healthcheck probes /healthz, healthcheck --ready probes /readyz', async () => {
  let ready = false;
  const admin: Server = await startAdmin({
    port: 0,
    address: '127.0.0.1',
    log: createLogger('demo', 'error', () => {}),
    registry: new Registry('demo'),
    readiness: () => ({ ready }),
  });
  const env = { DEMO_ADMIN_PORT: String((admin.address() as AddressInfo).port) };
  const answer = (argv: string[]) => preflight(spec, argv, env);
  try {
    const argvOf = (call: string) => call.split(' ').slice(1);
    const listed = commands(spec).map(([call]) => argvOf(call).join(' '));
    assert.equal(listed, ['[--flag VALUE ...]', 'healthcheck', 'healthcheck --ready', '--version', '--help']);
    assert.equal(await answer(['--greeting', 'hi']), {
      params: {
        upstreamPort: 8080,
        greeting: 'hi',
        adminPort: Number(env.DEMO_ADMIN_PORT),
        adminAddress: '0.0.0.0',
        logLevel: 'info',
        drainTimeout: 10_000,
      },
    });
    assert.equal(await answer(['healthcheck']), { exit: { code: 0 } }, 'alive though not ready');
    assert.equal(await answer(['healthcheck', '--ready']), { exit: { code: 1 } }, 'not ready yet');
    ready = true;
    assert.equal(await answer(['healthcheck', '--ready']), { exit: { code: 0 } });
    assert.equal(await answer(['--version']), { exit: { code: 0, stdout: `demo ${VERSION}\n` } });
    assert.equal(await answer(['--help']), { exit: { code: 0, stdout: helpText(spec) } });
  } finally {
    await new Promise((r) => admin.close(r));
  }
});

test('commonMetrics registers build_info, labelled with the version, and ready on the registry it is given', () => {
  const r = new Registry('demo');
  const m = commonMetrics(r);
  m.buildInfo.set(1, { version: '1.2.3' });
  m.ready.set(1);
  assert.equal(
    r
      .definitions()
      .slice(2)
      .map((d) => [d.name, d.type, [...d.labels]]),
    [
      ['demo_build_info', 'gauge', ['version']],
      ['demo_ready', 'gauge', []],
    ],
  );
  assert.ok(r.render().includes('demo_build_info{version="1.2.3"} 1\n'));
  assert.equal(r.undeclaredLabels(), []);
});

test('the ready gauge follows /readyz: 1 for ready, 0 for a check that missed its deadline, then each check’s result as it settles', async () => {
  const r = new Registry('demo');
  const gauge = commonMetrics(r).ready;
  let next: 'ready' | 'not ready' | 'hang' = 'ready';
  let release: () => void = () => {};
  let late: Promise<Readiness> | undefined;
  const check = (): Promise<Readiness> => {
    if (next !== 'hang') return Promise.resolve({ ready: next === 'ready' });
    late = new Promise((done) => (release = () => done({ ready: true })));
    return late;
  };
  const admin: Server = await startAdmin({
    port: 0,
    address: '127.0.0.1',
    log: createLogger('demo', 'error', () => {}),
    registry: r,
    answerTimeoutMs: 300,
    ...gaugedReadiness(gauge, check),
  });
  const readyz = async () => (await fetch(`http://127.0.0.1:${(admin.address() as AddressInfo).port}/readyz`)).status;
  const gaugeNow = () => /^demo_ready (\d+)$/m.exec(r.render())?.[1];
  try {
    assert.is(await readyz(), 200);
    assert.is(gaugeNow(), '1');
    next = 'hang';
    assert.is(await readyz(), 503);
    assert.is(gaugeNow(), '0', 'the gauge agrees with the 503');
    next = 'not ready';
    release();
    // The gauge's own continuation awaited the late check first, so it has run when this await returns.
    await late;
    assert.is(gaugeNow(), '1', 'the late check settled ready');
    assert.is(await readyz(), 503);
    assert.is(gaugeNow(), '0', 'a check that says not ready');
    next = 'ready';
    assert.is(await readyz(), 200);
    assert.is(gaugeNow(), '1');
  } finally {
    admin.closeAllConnections();
    await new Promise((done) => admin.close(done));
  }
});

test('commonParams documents the admin port default it is given and caps the drain timeout at 10m', () => {
  const c = commonParams(9901);
  assert.is(c.adminPort.default, 9901);
  assert.is(c.drainTimeout.default, 10_000);
  assert.is(c.drainTimeout.parse('10m'), 600_000);
  assert.equal(c.logLevel.values, ['debug', 'info', 'warn', 'error']);
});

test.run();
