import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { helpText } from '../../lib/help.js';
import { envName, flagName } from '../../lib/params.js';
import { preflight } from '../../lib/run.js';
import { spec } from '../src/params.js';
import { makePki, type Issued, type Pki } from './fixtures.js';

interface Ctx {
  pki: Pki;
  cert: Issued;
  files: string[];
}
const test = suite<Ctx>('tls-proxy preflight', {} as Ctx);

test.before((ctx) => {
  ctx.pki = makePki();
  ctx.cert = ctx.pki.issue('server', '0101');
  ctx.files = ['--cert-file', ctx.cert.cert, '--key-file', ctx.cert.key];
});
test.after((ctx) => ctx.pki?.cleanup());

/** preflight must exit 2 with exactly this one stderr line and nothing on stdout. */
async function assertRefused(argv: string[], env: NodeJS.ProcessEnv, line: string) {
  const r = await preflight(spec, argv, env);
  assert.equal(r, { exit: { code: 2, stderr: `${line}\n` } });
}

test('--help prints the table-driven help with every flag and env var of the tls-proxy', async () => {
  const r = await preflight(spec, ['--help'], {});
  assert.ok('exit' in r);
  if (!('exit' in r)) return;
  assert.is(r.exit.code, 0);
  assert.is(r.exit.stderr, undefined);
  assert.is(r.exit.stdout, helpText(spec));
  const keys = Object.keys(spec.params);
  assert.is(keys.length, 21);
  for (const key of keys) {
    assert.ok(r.exit.stdout!.includes(`  --${flagName(key)}`), `help lacks --${flagName(key)}`);
    assert.ok(r.exit.stdout!.includes(`env ${envName('TLS_PROXY', key)};`), `help lacks ${envName('TLS_PROXY', key)}`);
  }
  assert.ok(r.exit.stdout!.startsWith('tls-proxy: terminates TLS in front of a plain-HTTP app'));
});

test('a missing certificate file exits 2 with one line naming --cert-file and its env var', async ({ cert }) => {
  await assertRefused(
    ['--cert-file', '/nonexistent/tls.crt', '--key-file', cert.key],
    {},
    'tls-proxy: invalid --cert-file (TLS_PROXY_CERT_FILE): /nonexistent/tls.crt does not exist or is not a readable file',
  );
});

test('a missing key file given by env var exits 2 with one line naming it', async ({ pki, cert }) => {
  const missing = join(pki.dir, 'nope.key');
  await assertRefused(
    [],
    { TLS_PROXY_CERT_FILE: cert.cert, TLS_PROXY_KEY_FILE: missing },
    `tls-proxy: invalid --key-file (TLS_PROXY_KEY_FILE): ${missing} does not exist or is not a readable file`,
  );
});

test('listen port 70000 exits 2 with one line naming --listen-port and its env var', async ({ files }) => {
  await assertRefused(
    [...files, '--listen-port', '70000'],
    {},
    'tls-proxy: invalid --listen-port (TLS_PROXY_LISTEN_PORT): "70000" is not a port (1-65535)',
  );
  await assertRefused(
    files,
    { TLS_PROXY_LISTEN_PORT: '70000' },
    'tls-proxy: invalid --listen-port (TLS_PROXY_LISTEN_PORT): "70000" is not a port (1-65535)',
  );
});

test('an unknown TLS_PROXY_FOO env var exits 2 with one line naming it', async ({ files }) => {
  await assertRefused(
    files,
    { TLS_PROXY_FOO: 'bar' },
    'tls-proxy: unknown environment variable: TLS_PROXY_FOO is not a parameter of tls-proxy (see --help)',
  );
});

test('TLS 1.0 and 1.1 cannot be configured as the minimum version', async ({ files }) => {
  await assertRefused(
    [...files, '--min-tls-version', '1.1'],
    {},
    'tls-proxy: invalid --min-tls-version (TLS_PROXY_MIN_TLS_VERSION): "1.1" is not one of 1.2|1.3',
  );
  await assertRefused(
    [...files, '--min-tls-version', '1.0'],
    {},
    'tls-proxy: invalid --min-tls-version (TLS_PROXY_MIN_TLS_VERSION): "1.0" is not one of 1.2|1.3',
  );
});

test('timeouts below their minimum are refused with the allowed range', async ({ files }) => {
  await assertRefused(
    [...files, '--handshake-timeout', '10ms'],
    {},
    'tls-proxy: invalid --handshake-timeout (TLS_PROXY_HANDSHAKE_TIMEOUT): 10ms is out of range (100ms-596h)',
  );
  await assertRefused(
    [...files, '--reload-interval', '2h'],
    {},
    'tls-proxy: invalid --reload-interval (TLS_PROXY_RELOAD_INTERVAL): 2h is out of range (100ms-1h)',
  );
});

test('an --idle-timeout past 596h is refused: Node arms the idle timer 1 s later than asked, which must still fit 32 bits', async ({
  files,
}) => {
  await assertRefused(
    [...files, '--idle-timeout', `${2 ** 31 - 1}ms`],
    {},
    `tls-proxy: invalid --idle-timeout (TLS_PROXY_IDLE_TIMEOUT): ${2 ** 31 - 1}ms is out of range (1s-596h)`,
  );
  const r = await preflight(spec, [...files, '--idle-timeout', '596h'], {});
  assert.is('params' in r && r.params.idleTimeout, 596 * 3_600_000);
});

test('a --max-body-bytes past 2^53 - 1 is refused, so every length the proxy counts is exact', async ({ files }) => {
  await assertRefused(
    [...files, '--max-body-bytes', '9007199254740993'],
    {},
    'tls-proxy: invalid --max-body-bytes (TLS_PROXY_MAX_BODY_BYTES): 9007199254740993 is out of range (integer 0-9007199254740991)',
  );
  const r = await preflight(spec, [...files, '--max-body-bytes', '9007199254740991'], {});
  assert.is('params' in r && r.params.maxBodyBytes, Number.MAX_SAFE_INTEGER);
});

test('good input yields the documented defaults for everything not given', async ({ cert, files }) => {
  const r = await preflight(spec, files, { TLS_PROXY_UPSTREAM_PORT: '3000' });
  assert.equal(r, {
    params: {
      certFile: cert.cert,
      keyFile: cert.key,
      upstreamPort: 3000,
      upstreamHost: '127.0.0.1',
      listenPort: 8443,
      listenAddress: '0.0.0.0',
      mode: 'http',
      minTlsVersion: '1.2',
      accessLog: false,
      hsts: false,
      hstsMaxAge: 31536000,
      plainHttp: 'reject',
      reloadInterval: 1000,
      handshakeTimeout: 10_000,
      idleTimeout: 60_000,
      headerTimeout: 10_000,
      maxBodyBytes: 67_108_864,
      adminPort: 9901,
      adminAddress: '0.0.0.0',
      logLevel: 'info',
      drainTimeout: 10_000,
    },
  });
});

test.run();
