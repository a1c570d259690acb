import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { catches, findProc } from '../src/procs.js';
import { httpReloader, restartReloader, signalReloader } from '../src/reload.js';
import { until } from '../../lib/test-support/wait.js';

interface App {
  child: ChildProcess;
  name: string;
  out: string[];
  exited: Promise<{ code: number | null; signal: string | null }>;
}
interface Ctx {
  dir: string;
  apps: App[];
  n: number;
}
const test = suite<Ctx>('reloaders', { apps: [], n: 0 } as unknown as Ctx);
test.before((ctx) => {
  ctx.dir = mkdtempSync(join(tmpdir(), 'config-sync-reload-'));
});
test.after.each((ctx) => {
  for (const a of ctx.apps) a.child.kill('SIGKILL');
  ctx.apps = [];
});
test.after((ctx) => rmSync(ctx.dir, { recursive: true, force: true }));

/** Starts a node "app" from a script file with a unique name, so it can be found by that name. */
async function app(ctx: Ctx, body: string): Promise<App> {
  const name = `app-${process.pid}-${ctx.n++}.js`;
  writeFileSync(join(ctx.dir, name), body);
  const child = spawn(process.execPath, [join(ctx.dir, name)], { stdio: ['ignore', 'pipe', 'ignore'] });
  const a: App = { child, name, out: [], exited: new Promise((r) => child.once('exit', (code, signal) => r({ code, signal }))) };
  child.stdout!.setEncoding('utf8').on('data', (c: string) => a.out.push(...c.split('\n').filter(Boolean)));
  ctx.apps.push(a);
  await until(`${name} to start`, () => a.out.includes('up'));
  return a;
}
const HUP_APP = "process.on('SIGHUP', () => console.log('hup')); console.log('up'); setInterval(() => {}, 1000);";

test('signal: the app process found by name gets the signal, once', async (ctx) => {
  const a = await app(ctx, HUP_APP);
  const r = await signalReloader({ name: a.name, signal: 'SIGHUP' }).reload();
  assert.is(r.result, 'ok');
  assert.match(r.detail, new RegExp(`sent SIGHUP to pid ${a.child.pid} `));
  await until('the app to see it', () => a.out.includes('hup'));
  assert.equal(a.out, ['up', 'hup']);
});

test('signal: an app without a handler is not signalled (it would die); the reload fails saying so', async (ctx) => {
  const a = await app(ctx, "console.log('up'); setInterval(() => {}, 1000);");
  try {
    await signalReloader({ name: a.name, signal: 'SIGHUP', handlerWaitMs: 200 }).reload();
    assert.unreachable('should throw');
  } catch (e) {
    assert.match((e as Error).message, /does not handle SIGHUP; not sending it/);
  }
  assert.is(a.child.exitCode, null, 'the app is still running');
  assert.is(a.child.signalCode, null);
});

test('signal: an app still starting is signalled as soon as its handler is in', async (ctx) => {
  const a = await app(
    ctx,
    "console.log('up'); setTimeout(() => process.on('SIGHUP', () => console.log('hup')), 300); setInterval(() => {}, 1000);",
  );
  assert.is(catches(a.child.pid!, 1), false);
  const r = await signalReloader({ name: a.name, signal: 'SIGHUP', handlerWaitMs: 3000 }).reload();
  assert.is(r.result, 'ok');
  await until('the app to see it', () => a.out.includes('hup'));
});

test('signal and restart: no such process is "skipped" (it reads the new file when it starts); two are an error', async (ctx) => {
  assert.is((await signalReloader({ name: 'no-such-app.js', signal: 'SIGHUP' }).reload()).result, 'skipped');
  assert.is((await restartReloader({ name: 'no-such-app.js', graceMs: 100 }).reload()).result, 'skipped');
  const a = await app(ctx, HUP_APP);
  const twin = spawn(process.execPath, [join(ctx.dir, a.name)], { stdio: 'ignore' });
  ctx.apps.push({ child: twin } as App);
  await until('the twin', () => 'many' in findProc(a.name));
  try {
    await signalReloader({ name: a.name, signal: 'SIGHUP' }).reload();
    assert.unreachable('should throw');
  } catch (e) {
    assert.match((e as Error).message, /^2 processes are named app-.*refusing to guess/);
  }
  assert.equal(a.out, ['up'], 'nobody was signalled');
});

test('signal: a process that may not be signalled gives an error that says how to fix it', async (ctx) => {
  const a = await app(ctx, HUP_APP);
  const eperm = () => {
    const e = new Error('kill EPERM') as NodeJS.ErrnoException;
    e.code = 'EPERM';
    throw e;
  };
  try {
    await signalReloader({ name: a.name, signal: 'SIGHUP', kill: eperm }).reload();
    assert.unreachable('should throw');
  } catch (e) {
    assert.match((e as Error).message, /not allowed to signal pid \d+ .*run the sidecar as the app's user \(or give it CAP_KILL\)/);
  }
});

test('restart: SIGTERM stops the app and the reload resolves once it is gone', async (ctx) => {
  const a = await app(
    ctx,
    "process.on('SIGTERM', () => { console.log('term'); process.exit(0); }); console.log('up'); setInterval(() => {}, 1000);",
  );
  const r = await restartReloader({ name: a.name, graceMs: 2000 }).reload();
  assert.is(r.result, 'ok');
  assert.match(r.detail, /with SIGTERM; its supervisor starts it again/);
  assert.equal(await a.exited, { code: 0, signal: null });
});

test('restart: an app that ignores SIGTERM gets SIGKILL after the grace period', async (ctx) => {
  const a = await app(ctx, "process.on('SIGTERM', () => console.log('ignored')); console.log('up'); setInterval(() => {}, 1000);");
  const t0 = Date.now();
  const r = await restartReloader({ name: a.name, graceMs: 300 }).reload();
  assert.match(r.detail, /with SIGKILL after 300 ms/);
  assert.ok(Date.now() - t0 >= 300);
  assert.equal(await a.exited, { code: null, signal: 'SIGKILL' });
  assert.ok(a.out.includes('ignored'), 'SIGTERM was tried first');
});

test('http: a 2xx answer is a reload; any other status or no answer is an error', async () => {
  let calls = 0;
  let status = 200;
  const server: Server = createServer((req, res) => {
    calls++;
    res.writeHead(req.method === 'POST' ? status : 405).end(status === 200 ? 'reloaded\n' : 'bad config\nmore');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/-/reload`;
  try {
    assert.equal(await httpReloader({ url, timeoutMs: 1000 }).reload(), { result: 'ok', detail: `POST ${url}: HTTP 200` });
    status = 500;
    try {
      await httpReloader({ url, timeoutMs: 1000 }).reload();
      assert.unreachable('should throw');
    } catch (e) {
      assert.is((e as Error).message, `POST ${url}: HTTP 500 bad config`);
    }
    assert.is(calls, 2);
  } finally {
    await new Promise((r) => server.close(r));
  }
  const gone = createServer();
  await new Promise<void>((r) => gone.listen(0, '127.0.0.1', r));
  const closedUrl = `http://127.0.0.1:${(gone.address() as AddressInfo).port}/-/reload`;
  await new Promise((r) => gone.close(r));
  try {
    await httpReloader({ url: closedUrl, timeoutMs: 1000 }).reload();
    assert.unreachable('should throw');
  } catch (e) {
    assert.match((e as Error).message, /ECONNREFUSED/);
  }
});

test.run();
