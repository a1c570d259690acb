// The process level: mesh-proxy's compiled main.js in a child process, as the image runs it. Bad input
// exits 2 with one line naming the parameter, an unusable identity exits 1 naming --identity-dir, SIGTERM
// drains the work in flight and exits 0, and hostile requests do not take it down.
import { createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { probe } from '../../lib/admin.js';
import { Registry } from '../../lib/metrics.js';
import { commonMetrics } from '../../lib/run.js';
import { exited, get, runMain } from '../../lib/test-support/child.js';
import { hostileRound, MALFORMED_TARGETS, requestFor } from '../../lib/test-support/hostile.js';
import { undeclaredSeries } from '../../lib/test-support/metrics.js';
import { registerMetrics } from '../src/metrics.js';
import { type App, freePort, startApp, until } from './mesh.js';
import { exchange, request } from './peer.js';
import { makeMeshPki, type MeshPki } from './pki.js';
import { readFileSync } from 'node:fs';

const MAIN = fileURLToPath(new URL('../src/main.js', import.meta.url));

interface Ctx {
  pki: MeshPki;
  ca: Buffer;
  backend: string;
  frontend: string;
  app: App;
}
const test = suite<Ctx>('mesh-proxy process', {} as Ctx);
test.before(async (ctx) => {
  ctx.pki = makeMeshPki();
  ctx.ca = readFileSync(ctx.pki.caFile);
  ctx.backend = ctx.pki.identity('backend');
  ctx.frontend = ctx.pki.identity('frontend');
  ctx.app = await startApp('app');
});
test.before.each(({ app }) => {
  app.seen.length = 0;
  app.delayMs = 0;
});
test.after(async ({ pki, app }) => {
  await app?.close();
  pki?.cleanup();
});

/** The backend's environment: identity, app, free inbound and admin ports on 127.0.0.1. */
async function env({ backend, app }: Ctx, more: NodeJS.ProcessEnv = {}) {
  const [inbound, admin] = [await freePort(), await freePort()];
  const e = {
    MESH_PROXY_SERVICE: 'backend',
    MESH_PROXY_NAMESPACE: 'test',
    MESH_PROXY_IDENTITY_DIR: backend,
    MESH_PROXY_APP_PORT: String(app.port),
    MESH_PROXY_ALLOW: 'frontend',
    MESH_PROXY_INBOUND_PORT: String(inbound),
    MESH_PROXY_INBOUND_ADDRESS: '127.0.0.1',
    MESH_PROXY_ADMIN_PORT: String(admin),
    MESH_PROXY_ADMIN_ADDRESS: '127.0.0.1',
    ...more,
  };
  return { env: e, inbound, admin };
}

const listening = async (): Promise<{ port: number; server: Server }> => {
  const server = createServer();
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return { port, server };
};

/** Runs main with the backend's environment and more; its exit and output. */
async function runBad(ctx: Ctx, argv: string[], more: NodeJS.ProcessEnv) {
  const r = runMain(MAIN, argv, (await env(ctx, more)).env);
  return { exit: await exited(r), stderr: r.stderr, stdout: r.stdout };
}

test('a parameter that breaks its rule exits 2 with one stderr line naming it, and nothing on stdout', async (ctx) => {
  const cases: [string[], NodeJS.ProcessEnv, RegExp][] = [
    [
      ['--outbound', 'backend=70000'],
      {},
      /^mesh-proxy: invalid --outbound \(MESH_PROXY_OUTBOUND\): "70000" is not a port \(1-65535\) for backend\n$/,
    ],
    [[], { MESH_PROXY_SERVICE: undefined }, /^mesh-proxy: required parameter: --service or MESH_PROXY_SERVICE must be specified\n$/],
    [
      [],
      { MESH_PROXY_FOO: '1' },
      /^mesh-proxy: unknown environment variable: MESH_PROXY_FOO is not a parameter of mesh-proxy \(see --help\)\n$/,
    ],
    [
      ['--allow', 'frontend,Bad_Name'],
      {},
      /^mesh-proxy: invalid --allow \(MESH_PROXY_ALLOW\): "Bad_Name" is neither a service name nor a spiffe:\/\/ ID\n$/,
    ],
    [
      ['--otlp-endpoint', 'https://collector:4318/v1/traces'],
      {},
      /^mesh-proxy: invalid --otlp-endpoint \(MESH_PROXY_OTLP_ENDPOINT\): [^\n]+\n$/,
    ],
    [['--per-try-timeout', '0s'], {}, /^mesh-proxy: invalid --per-try-timeout \(MESH_PROXY_PER_TRY_TIMEOUT\): [^\n]+\n$/],
  ];
  for (const [argv, more, line] of cases) {
    const r = await runBad(ctx, argv, more);
    assert.equal(r.exit, { code: 2, signal: null }, argv.join(' '));
    assert.match(r.stderr, line);
    assert.is(r.stdout, '');
  }
});

test('a port in use, inbound or outbound, exits 2 with one stderr line naming its parameter', async (ctx) => {
  const busy = await listening();
  try {
    for (const [argv, flag] of [
      [['--inbound-port', String(busy.port)], /^mesh-proxy: invalid --inbound-port \(MESH_PROXY_INBOUND_PORT\): [^\n]*in use\n$/],
      [['--outbound', `localhost=${busy.port}`], /^mesh-proxy: invalid --outbound \(MESH_PROXY_OUTBOUND\): [^\n]*in use\n$/],
    ] as const) {
      const r = await runBad(ctx, [...argv], {});
      assert.equal(r.exit, { code: 2, signal: null }, argv.join(' '));
      assert.match(r.stderr, flag);
    }
  } finally {
    busy.server.close();
  }
});

test('an identity dir whose certificate is another SPIFFE ID exits 1 with one line naming --identity-dir', async (ctx) => {
  const r = runMain(MAIN, ['--identity-dir', ctx.frontend], (await env(ctx)).env);
  assert.equal(await exited(r), { code: 1, signal: null });
  const line = `mesh-proxy: cannot start: invalid --identity-dir: ${ctx.frontend}/tls.crt is spiffe://sidecar-lab/test/frontend, not this pod's identity spiffe://sidecar-lab/test/backend\n`;
  assert.is(r.stderr, line);
});

test('a running proxy serves its admin port and reloads on SIGHUP; SIGTERM lets the request in flight finish and exits 0', async (ctx) => {
  const { env: e, inbound, admin } = await env(ctx);
  const r = runMain(MAIN, [], { ...e, SIDECAR_LAB_VERSION: '9.9.9-test' });
  try {
    await until('/readyz to answer 200', () => probe(admin, '/readyz', 200), 5000, 50);
    const hc = runMain(MAIN, ['healthcheck'], { MESH_PROXY_ADMIN_PORT: String(admin) });
    assert.equal(await exited(hc), { code: 0, signal: null });
    const text = (await get(admin, '/metrics')).body;
    assert.match(text, 'mesh_proxy_build_info{version="9.9.9-test"} 1');
    assert.match(text, /mesh_proxy_certificate_info\{serial="[0-9A-F]+",spiffe_id="spiffe:\/\/sidecar-lab\/test\/backend"\} 1/);
    const registry = new Registry('mesh_proxy');
    registerMetrics(registry);
    commonMetrics(registry);
    assert.equal(undeclaredSeries(text, registry.definitions()), [], 'every series served is in the README table');

    r.child.kill('SIGHUP');
    await until('the SIGHUP reload to be logged', () => r.stdout.includes('"msg":"identity loaded","reason":"SIGHUP"'));

    ctx.app.delayMs = 500;
    const inFlight = exchange('127.0.0.1', inbound, request('/slow'), { identity: ctx.frontend, ca: ctx.ca });
    await until('the request to reach the app', () => ctx.app.seen.length === 1);
    r.child.kill('SIGTERM');
    const answer = await inFlight;
    assert.is(answer.status, 200, answer.text);
    assert.match(answer.text, /\r\nconnection: close\r\n/i, 'draining: the peer is told to close');
    assert.equal(await exited(r), { code: 0, signal: null });
    assert.ok(r.stdout.includes('"msg":"draining"') && r.stdout.includes('"msg":"drained"'));
    assert.is(r.stderr, '');
  } finally {
    r.child.kill('SIGKILL');
  }
});

test('malformed targets on the admin, inbound and outbound ports get a 4xx or a close; nothing reaches the app; it keeps serving', async (ctx) => {
  const local = await freePort();
  const { env: e, inbound, admin } = await env(ctx, { MESH_PROXY_OUTBOUND: `localhost:${await freePort()}=${local}` });
  const r = runMain(MAIN, [], e);
  const is4xx = (s: number | undefined) => s === undefined || (s >= 400 && s < 500);
  try {
    await until('/readyz to answer 200', () => probe(admin, '/readyz', 200), 5000, 50);
    for (const port of [admin, local]) {
      const statuses = await hostileRound({ port });
      assert.equal(
        [...statuses].filter(([, s]) => !is4xx(s)),
        [],
        `port ${port}`,
      );
    }
    for (const t of MALFORMED_TARGETS) {
      const answer = await exchange('127.0.0.1', inbound, requestFor(t), { identity: ctx.frontend, ca: ctx.ca });
      assert.ok(is4xx(answer.status), `${t} -> ${answer.status}`);
    }
    assert.is(ctx.app.seen.length, 0);
    assert.is(r.child.exitCode, null, `still running; stderr: ${r.stderr}`);
    assert.is((await get(admin, '/healthz')).status, 200);
    assert.is((await exchange('127.0.0.1', inbound, request('/after'), { identity: ctx.frontend, ca: ctx.ca })).status, 200);
    assert.is((await get(local, '/after')).status, 503, 'the outbound side still answers (nothing listens behind localhost)');
  } finally {
    r.child.kill('SIGKILL');
  }
});

test.run();
