// The process level, at start: input that cannot work stops the process with exit code 2 and one
// stderr line naming the parameter; and a running process answers hostile targets on both its ports.
import { createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import * as assert from 'uvu/assert';
import { probe } from '../../lib/admin.js';
import { exited, get, runMain } from '../../lib/test-support/child.js';
import { hostileRound, MALFORMED_TARGETS } from '../../lib/test-support/hostile.js';
import { freePort, httpsGet, proxyFlags, until } from './fixtures.js';
import { appSuite, type AppCtx } from './suites.js';

const MAIN = fileURLToPath(new URL('../src/main.js', import.meta.url));

type Ctx = AppCtx;
const test = appSuite<Ctx>('tls-proxy process start-up', { serial: '0808' });

/** Flags for a proxy that could start, against this suite's certificate and upstream; `extra` wins. */
function argv({ cert, upstream }: Ctx, extra: string[] = []): Promise<string[]> {
  return proxyFlags(cert, upstream.port, extra);
}

/** The process must exit 2 with exactly this one line on stderr. */
async function refusedAtStart(args: string[], line: string) {
  const r = runMain(MAIN, args);
  try {
    assert.equal(await exited(r), { code: 2, signal: null });
    assert.is(r.stderr, `${line}\n`);
  } finally {
    r.child.kill('SIGKILL');
  }
}

const occupy = async (port: number): Promise<Server> => {
  const s = createServer();
  await new Promise<void>((r) => s.listen(port, '127.0.0.1', r));
  return s;
};

test('--handshake-timeout 600h is refused: no timer can hold it', async (ctx) => {
  await refusedAtStart(
    await argv(ctx, ['--handshake-timeout', '600h']),
    'tls-proxy: invalid --handshake-timeout (TLS_PROXY_HANDSHAKE_TIMEOUT): 600h is out of range (100ms-596h)',
  );
});

test('an empty --upstream-host is refused', async (ctx) => {
  await refusedAtStart(await argv(ctx, ['--upstream-host', '']), 'tls-proxy: invalid --upstream-host (TLS_PROXY_UPSTREAM_HOST): is empty');
});

/** Starts the proxy with `flag` set to a port another listener holds; it must refuse with one line naming the flag. */
async function refusedOnBusyPort(ctx: Ctx, flag: '--listen-port' | '--admin-port', env: string) {
  const port = await freePort();
  const busy = await occupy(port);
  try {
    await refusedAtStart(await argv(ctx, [flag, String(port)]), `tls-proxy: invalid ${flag} (${env}): 127.0.0.1:${port} is already in use`);
  } finally {
    busy.close();
  }
}

test('a listen port already in use stops the start with one line naming --listen-port', (ctx) =>
  refusedOnBusyPort(ctx, '--listen-port', 'TLS_PROXY_LISTEN_PORT'));

test('an admin port already in use stops the start with one line naming --admin-port', (ctx) =>
  refusedOnBusyPort(ctx, '--admin-port', 'TLS_PROXY_ADMIN_PORT'));

test('the same port for --listen-port and --admin-port is refused with one line naming both', async (ctx) => {
  const port = String(await freePort());
  await refusedAtStart(
    await argv(ctx, ['--listen-port', port, '--admin-port', port]),
    `tls-proxy: conflicting --listen-port (TLS_PROXY_LISTEN_PORT) and --admin-port (TLS_PROXY_ADMIN_PORT): both are ${port}; each listener needs its own port`,
  );
});

test('a --listen-address that does not resolve stops the start with one line naming it', async (ctx) => {
  await refusedAtStart(
    await argv(ctx, ['--listen-address', 'no-such-host.invalid']),
    'tls-proxy: invalid --listen-address (TLS_PROXY_LISTEN_ADDRESS): "no-such-host.invalid" does not resolve to an address',
  );
});

test('a directory given as --cert-file is refused with one line naming it', async (ctx) => {
  await refusedAtStart(
    await argv(ctx, ['--cert-file', ctx.pki.dir]),
    `tls-proxy: invalid --cert-file (TLS_PROXY_CERT_FILE): ${ctx.pki.dir} does not exist or is not a readable file`,
  );
});

test('every malformed target gets a 4xx or a close on both the TLS port and the admin port, and both still serve', async (ctx) => {
  const args = await argv(ctx);
  const listen = Number(args[args.indexOf('--listen-port') + 1]),
    admin = Number(args[args.indexOf('--admin-port') + 1]);
  const r = runMain(MAIN, args);
  try {
    await until('/readyz to answer 200', () => probe(admin, '/readyz', 200), 5000, 50);
    for (const endpoint of [{ port: listen, tls: { ca: ctx.pki.ca.toString() } }, { port: admin }]) {
      const statuses = await hostileRound(endpoint);
      assert.is(statuses.size, MALFORMED_TARGETS.length);
      assert.equal(
        [...statuses].filter(([, s]) => s !== undefined && (s < 400 || s > 499)),
        [],
        `port ${endpoint.port}`,
      );
    }
    assert.is((await httpsGet(listen, ctx.pki.ca, '/after')).status, 200);
    assert.is((await get(admin, '/healthz')).status, 200);
    assert.is(r.stderr, '');
  } finally {
    r.child.kill('SIGKILL');
  }
});

test.run();
