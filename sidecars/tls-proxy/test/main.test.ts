// The process level: runSidecar as the real tls-proxy entry point runs it, in a child process.
import { fileURLToPath } from 'node:url';
import * as assert from 'uvu/assert';
import { probe } from '../../lib/admin.js';
import { exited, get, runMain, type Run } from '../../lib/test-support/child.js';
import { parseMetrics } from '../../lib/metrics.js';
import { freePort, httpsGet, tlsOpen, until } from './fixtures.js';
import { appSuite, type AppCtx } from './suites.js';

const MAIN = fileURLToPath(new URL('../src/main.js', import.meta.url));
const run = (argv: string[], env: NodeJS.ProcessEnv = {}) => runMain(MAIN, argv, env);

const logLines = (r: Run) =>
  r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

const test = appSuite<AppCtx>('tls-proxy process', { serial: '0505' });

/** Runs the proxy process in front of the suite's app, configured by env vars, on free loopback ports; `env` adds to them. */
async function runProxy({ cert, upstream }: Pick<AppCtx, 'cert' | 'upstream'>, argv: string[], env: NodeJS.ProcessEnv = {}) {
  const [listen, admin] = [await freePort(), await freePort()];
  const r = run(argv, {
    TLS_PROXY_CERT_FILE: cert.cert,
    TLS_PROXY_KEY_FILE: cert.key,
    TLS_PROXY_UPSTREAM_PORT: String(upstream.port),
    TLS_PROXY_LISTEN_PORT: String(listen),
    TLS_PROXY_LISTEN_ADDRESS: '127.0.0.1',
    TLS_PROXY_ADMIN_PORT: String(admin),
    TLS_PROXY_ADMIN_ADDRESS: '127.0.0.1',
    ...env,
  });
  return { r, listen, admin };
}

test('a bad parameter exits the process with code 2, one stderr line and nothing on stdout', async ({ cert }) => {
  const r = run(['--listen-port', '70000'], { TLS_PROXY_CERT_FILE: cert.cert, TLS_PROXY_KEY_FILE: cert.key });
  assert.equal(await exited(r), { code: 2, signal: null });
  assert.is(r.stderr, 'tls-proxy: invalid --listen-port (TLS_PROXY_LISTEN_PORT): "70000" is not a port (1-65535)\n');
  assert.is(r.stdout, '');
});

test('--help exits 0 with the help on stdout', async () => {
  const r = run(['--help']);
  assert.equal(await exited(r), { code: 0, signal: null });
  assert.ok(r.stdout.startsWith('tls-proxy: terminates TLS'));
  assert.is(r.stderr, '');
});

test('a running proxy serves HTTPS and its admin port, reloads on SIGHUP and exits 0 after draining on SIGTERM', async ({
  pki,
  cert,
  upstream,
}) => {
  const { r, listen, admin } = await runProxy({ cert, upstream }, [], { SIDECAR_LAB_VERSION: '1.2.3-test' });
  try {
    await until('/readyz to answer 200', () => probe(admin, '/readyz', 200), 5000, 50);
    assert.is((await httpsGet(listen, pki.ca, '/via-process')).body, 'hello from upstream /via-process');

    // The HEALTHCHECK command: a second process probing the admin port from the env var.
    const hc = run(['healthcheck'], { TLS_PROXY_ADMIN_PORT: String(admin) });
    assert.equal(await exited(hc), { code: 0, signal: null });

    const m = parseMetrics((await get(admin, '/metrics')).body);
    assert.is(m.get('tls_proxy_build_info{version="1.2.3-test"}'), 1);
    assert.is(m.get('tls_proxy_ready'), 1);
    assert.is(m.get('tls_proxy_certificate_info{serial="0505",subject="CN=localhost"}'), 1);

    const started = logLines(r).find((l) => l.msg === 'started');
    assert.is(started?.version, '1.2.3-test');
    assert.is((started!.params as Record<string, unknown>).listenPort, listen);

    r.child.kill('SIGHUP');
    await until('the SIGHUP reload to be logged', () => logLines(r).some((l) => l.msg === 'certificate loaded' && l.reason === 'SIGHUP'));

    r.child.kill('SIGTERM');
    assert.equal(await exited(r), { code: 0, signal: null });
    const msgs = logLines(r).map((l) => l.msg);
    assert.ok(msgs.includes('draining') && msgs.includes('drained'), msgs.join(', '));
    assert.is(r.stderr, '');
  } finally {
    r.child.kill('SIGKILL');
  }
});

test('on SIGTERM /readyz answers 503 draining, and work still open at the drain timeout makes the process exit 1', async ({
  pki,
  cert,
  upstream,
}) => {
  const { r, listen, admin } = await runProxy({ cert, upstream }, ['--mode', 'tcp', '--drain-timeout', '1s']);
  let held: Awaited<ReturnType<typeof tlsOpen>> | undefined;
  try {
    await until('/readyz to answer 200', () => probe(admin, '/readyz', 200), 5000, 50);
    // An open tcp-mode connection that nobody closes holds the drain.
    held = await tlsOpen(listen, { ca: pki.ca, servername: 'localhost' });
    held.on('error', () => {
      /* the process going away resets it */
    });
    const t0 = Date.now();
    r.child.kill('SIGTERM');
    await until(
      '/readyz to say draining',
      async () => {
        const ready = await get(admin, '/readyz').catch(() => undefined);
        return ready?.status === 503 && ready.body === 'not ready: draining\n';
      },
      900,
    );
    assert.equal(await exited(r), { code: 1, signal: null });
    const ms = Date.now() - t0;
    assert.ok(ms >= 900 && ms < 3000, `exited after ${ms}ms`);
    assert.ok(logLines(r).some((l) => l.msg === 'drain timed out; exiting with work still open'));
  } finally {
    held?.destroy();
    r.child.kill('SIGKILL');
  }
});

test('healthcheck exits 1 when nothing answers on the admin port', async () => {
  const hc = run(['healthcheck'], { TLS_PROXY_ADMIN_PORT: String(await freePort()) });
  assert.equal(await exited(hc), { code: 1, signal: null });
});

test('a proxy that cannot start (broken pair) exits 1 with one stderr line', async ({ pki, upstream }) => {
  const broken = { cert: pki.issue('other', '0606').cert, key: pki.issue('mismatch', '0707').key, serial: '' };
  const { r } = await runProxy({ cert: broken, upstream }, []);
  assert.equal(await exited(r), { code: 1, signal: null });
  assert.match(
    r.stderr,
    /^tls-proxy: cannot start: invalid --cert-file\/--key-file: .*mismatch\.key does not match the certificate in .*other\.crt\n$/,
  );
});

test.run();
