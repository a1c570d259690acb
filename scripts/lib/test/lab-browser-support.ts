// What the lab's browser tests share: a suite that brings a stack up, starts the lab (spawn.ts) and opens it in
// Chromium before its tests, and tears all of it down after them, on Ctrl-C too. A failure while setting up fails every test with its message.
import { request } from 'node:http';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import { $ } from 'zx';
import { type Browser, openBrowser } from '../browser.js';
import { ARTIFACTS_DIR } from '../config.js';
import { showTab } from '../lab/drive.js';
import { type SpawnedLab, spawnLab } from '../lab/spawn.js';
import { downStack, upStack } from '../lifecycle.js';
import { teardownOnce } from '../teardown.js';

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

export const tab = (ctx: StackInLab, view: string) => showTab(ctx.browser.page, view, WAIT.timeout);

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
