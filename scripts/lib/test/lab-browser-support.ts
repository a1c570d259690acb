// What the lab's browser tests share: the built lab as its own process (ended by its PID), and a
// suite that brings a stack up, starts the lab and opens it in Chromium before its tests, and tears all
// of it down after them, on Ctrl-C too. A failure while setting up fails every test with its message.
import { type ChildProcess, spawn } from 'node:child_process';
import { request } from 'node:http';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import { $ } from 'zx';
import { until } from '../../../sidecars/lib/test-support/wait.js';
import { type Browser, openBrowser } from '../browser.js';
import { ARTIFACTS_DIR, DIST } from '../config.js';
import { NODE_FLAGS } from '../lab/args.js';
import { downStack, upStack } from '../lifecycle.js';
import { teardownOnce } from '../teardown.js';

export interface SpawnedLab {
  url: string;
  port: number;
  token: string;
  child: ChildProcess;
  stderr(): string;
  stop(): Promise<number | null>;
}

/** Starts dist/scripts/lab.js on a free port, on this Node (with the flags `npm run lab` gives it) unless another
 * runtime is given; resolves once it has printed its address. */
export async function spawnLab(args: string[] = [], env: NodeJS.ProcessEnv = process.env, runtime = process.execPath): Promise<SpawnedLab> {
  const flags = runtime === process.execPath ? NODE_FLAGS : [];
  const child = spawn(runtime, [...flags, join(DIST, 'scripts', 'lab.js'), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (out += c));
  child.stderr!.on('data', (c: Buffer) => (err += c));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  await until('the lab prints its address', () => out.includes('\n') || child.exitCode !== null, 20_000);
  const m = /^(http:\/\/127\.0\.0\.1:(\d+)\/)\?token=([0-9a-f]{64})\n/.exec(out);
  if (!m) {
    child.kill('SIGKILL');
    throw new Error(`the lab printed ${JSON.stringify(out)} (stderr: ${err.trim()})`);
  }
  return {
    url: `${m[1]}?token=${m[3]}`,
    port: Number(m[2]),
    token: m[3]!,
    child,
    stderr: () => err,
    async stop() {
      if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGINT');
      return exited;
    },
  };
}

export interface StackInLab {
  project: string;
  lab: SpawnedLab;
  browser: Browser;
  /** Every request the page made, from its first load: its address and its Authorization header. */
  calls: { url: string; auth?: string }[];
  /** Set when setting up failed: every test then fails with it. */
  broken?: Error;
}

/** Where a view's screenshot is kept: artifacts/lab/<name>.png. */
export function screenshotPath(name: string): string {
  mkdirSync(join(ARTIFACTS_DIR, 'lab'), { recursive: true });
  return join(ARTIFACTS_DIR, 'lab', `${name}.png`);
}

/** A suite whose tests run against `stack` (up, with its own project) and the lab open in Chromium. */
export function stackInLabSuite(name: string, stack: string) {
  const test = suite<StackInLab>(name, {} as StackInLab);
  let finish: (() => Promise<void>) | undefined;
  test.before(async (ctx) => {
    let project: string | undefined;
    finish = teardownOnce(async () => {
      await ctx.browser?.close();
      await ctx.lab?.stop();
      if (project) await downStack(stack, project);
    });
    try {
      project = ctx.project = (await upStack(stack)).project;
      ctx.lab = await spawnLab();
      ctx.browser = await openBrowser({ width: 1280, height: 900 });
      ctx.calls = [];
      ctx.browser.page.on('request', (r) => ctx.calls.push({ url: r.url(), auth: r.headers().authorization }));
      await ctx.browser.page.goto(ctx.lab.url);
    } catch (e) {
      ctx.broken = e as Error;
    }
  });
  test.before.each((ctx) => {
    if (ctx.broken) throw ctx.broken;
  });
  test.after(async () => finish?.());
  return test;
}

// What the tests do with a run and its lab: name and inspect its containers, switch views, call the lab from outside.
const WAIT = { timeout: 15_000 };
export const name = (ctx: StackInLab, service: string) => `${ctx.project}-${service}-1`;
export const inspect = async (container: string, format: string) =>
  (await $`docker inspect --format ${format} ${container}`.quiet()).stdout.trim();
export const hostPid = async (ctx: StackInLab, service: string) => Number(await inspect(name(ctx, service), '{{.State.Pid}}'));
export const member = (ctx: StackInLab, service: string) =>
  ctx.browser.page.locator(`article.pod[data-key^="${ctx.project}/"] section.member`, {
    has: ctx.browser.page.locator('h4', { hasText: new RegExp(`^${service} `) }),
  });

export async function tab(ctx: StackInLab, view: string) {
  await ctx.browser.page.click(`#tab-${view}`);
  await ctx.browser.page.locator(`#tab-${view}[aria-selected="true"]`).waitFor(WAIT);
}

/** Answers of the lab to a request from outside the page (node:http, so that Host can be anything). */
export function call(ctx: StackInLab, o: { path: string; method?: string; headers?: Record<string, string>; body?: string }) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: ctx.lab.port, path: o.path, method: o.method ?? 'GET', headers: o.headers, timeout: 10_000 },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer to ${o.path}`)));
    req.on('error', reject);
    req.end(o.body);
  });
}
export const bearer = (ctx: StackInLab) => ({ authorization: `Bearer ${ctx.lab.token}` });
