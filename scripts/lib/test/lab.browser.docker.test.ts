// The lab in a real browser (Chromium, driven by playwright-core) against the https stack, up as a run of
// its own: the pod picture, a crash and its restart on the timeline, a request's log line, the
// processes, and one screenshot per view under artifacts/lab/. (lab-more.browser.docker.test.ts: the
// refusals and a recorded run.)
import { randomBytes } from 'node:crypto';
import { readFileSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Route } from 'playwright-core';
import * as assert from 'uvu/assert';
import { $ } from 'zx';
import { until } from '../../../sidecars/lib/test-support/wait.js';
import { runDir } from '../run-state.js';
import { httpsGet } from '../tls-client.js';
import { bearer, call, hostPid, member, name, screenshotPath, stackInLabSuite, tab } from './lab-browser-support.js';

const test = stackInLabSuite('lab: in Chromium, with the https stack up', 'https');
const WAIT = { timeout: 15_000 };
const started = Date.now();

test('the pod picture shows pause, tls-proxy and app, that both share the pod’s network and PID namespaces (the inodes in /proc), and the published port’s path through tls-proxy to the app', async (ctx) => {
  const pod = ctx.browser.page.locator(`article.pod[data-key^="${ctx.project}/"]`);
  await pod.locator('section.member').nth(2).waitFor(WAIT);
  const services = (await pod.locator('section.member h4').allTextContents()).map((t) => t.split(' ')[0]);
  assert.equal(services.sort(), ['app', 'pod', 'tls-proxy']);
  assert.match((await pod.locator('section.member.owner h4').textContent()) ?? '', /^pod /);
  const podPid = await hostPid(ctx, 'pod');
  for (const kind of ['net', 'pid'] as const) {
    const inode = readlinkSync(`/proc/${podPid}/ns/${kind}`); // e.g. net:[4026532301]
    for (const service of ['tls-proxy', 'app']) {
      const ns = member(ctx, service).locator('div.ns', { has: ctx.browser.page.locator('span.label', { hasText: kind }) });
      const text = (await ns.textContent()) ?? '';
      assert.ok(text.includes(inode), `${service} shows ${inode}: ${text}`);
      assert.match(text, /shared with the pod; declared service:pod/);
    }
  }
  for (const service of ['pod', 'tls-proxy', 'app'])
    assert.match((await member(ctx, service).getAttribute('aria-label')) ?? '', /: running/);
  // Each published port's path: host address → pod port → the member listening on it → where it forwards.
  const port = (await $`docker port ${name(ctx, 'pod')} 8443/tcp`.quiet()).stdout.trim().split('\n')[0]!;
  const paths = await member(ctx, 'pod').locator('[data-testid=port-path]').allTextContents();
  assert.ok(paths.includes(`${port} → :8443 tls-proxy → 127.0.0.1:8080 app`), paths.join(' | '));
  await ctx.browser.page.screenshot({ path: screenshotPath('pods'), fullPage: true });
});

test('the token leaves the address bar, and every call of the page carries it as a Bearer header, never in its URL', async (ctx) => {
  assert.not.match(ctx.browser.page.url(), /token/);
  const calls = ctx.calls.filter((c) => new URL(c.url).pathname.startsWith('/api/'));
  const paths = new Set(calls.map((c) => new URL(c.url).pathname));
  for (const p of ['/api/timeline', '/api/stacks', '/api/events'])
    assert.ok(paths.has(p), `the page called ${p}: ${[...paths].join(', ')}`);
  for (const c of calls) {
    assert.not.match(c.url, /token/);
    assert.is(c.auth, `Bearer ${ctx.lab.token}`, c.url);
  }
});

test('loaded again with the pods at hand, the page draws them from the picture its HTML carries, with no answer from GET /api/stacks', async (ctx) => {
  const { page } = ctx.browser;
  const held: Route[] = [];
  await page.route('**/api/stacks*', (route) => void held.push(route));
  try {
    // The HTML carries the picture when the lab's last read has had no engine event since; another run's event
    // in between (CI runs two parts at a time) makes the lab leave it out, and the page load is tried again.
    let html = '';
    for (let i = 0; i < 5 && !html.includes('id="pods"'); i++) {
      assert.is((await call(ctx, { path: '/api/stacks', headers: bearer(ctx) })).status, 200);
      html = (await (await page.goto(ctx.lab.url))?.text()) ?? '';
    }
    assert.match(html, /<script type="application\/json" id="pods">/, 'a page load whose HTML carries the pods, in five');
    await page.locator(`article.pod[data-key^="${ctx.project}/"] section.member`).nth(2).waitFor(WAIT);
    // Held, not answered: the page asks once its live stream is open, and that ask is still waiting.
    await until('the page asks for the pods once its stream is open', () => held.length > 0, 15_000);
    assert.equal(
      (await page.locator(`article.pod[data-key^="${ctx.project}/"] section.member h4`).allTextContents())
        .map((t) => t.split(' ')[0])
        .sort(),
      ['app', 'pod', 'tls-proxy'],
    );
  } finally {
    await page.unroute('**/api/stacks*');
    for (const r of held) await r.continue().catch(() => undefined);
  }
});

test('a SIGKILL to tls-proxy through the API: within 10 s the timeline shows its die and its healthy-again, and the app keeps its PID', async (ctx) => {
  const { page } = ctx.browser;
  const appPid = await hostPid(ctx, 'app');
  assert.ok((await member(ctx, 'app').textContent())?.includes(`pid ${appPid} `), 'the app’s box shows its PID');
  await tab(ctx, 'Timeline');
  await page.selectOption('select[aria-label="Project shown in the timeline"]', ctx.project);
  const count = (word: string) => page.locator('ol.events li', { hasText: new RegExp(`${ctx.project}/tls-proxy\\s+${word}`) }).count();
  const [dies, healthy] = [await count('die'), await count('health healthy')];
  const kill = await call(ctx, {
    path: '/api/kill',
    method: 'POST',
    headers: { ...bearer(ctx), 'content-type': 'application/json' },
    body: JSON.stringify({ container: name(ctx, 'tls-proxy'), signal: 'SIGKILL' }),
  });
  assert.equal([kill.status, JSON.parse(kill.text)], [202, { killed: name(ctx, 'tls-proxy'), signal: 'SIGKILL', via: 'pid' }]);
  await page.waitForFunction(
    ([project, dies0, healthy0]) => {
      const items = [...document.querySelectorAll('ol.events li')].map((li) => li.textContent ?? '');
      const n = (re: RegExp) => items.filter((t) => re.test(t)).length;
      return (
        n(new RegExp(`${project}/tls-proxy\\s+die \\(exit 137\\)`)) > dies0 &&
        n(new RegExp(`${project}/tls-proxy\\s+health healthy`)) > healthy0
      );
    },
    [ctx.project, dies, healthy] as const,
    { timeout: 10_000 },
  );
  assert.is(await hostPid(ctx, 'app'), appPid, 'the app’s process is the same');
  await ctx.browser.page.screenshot({ path: screenshotPath('timeline'), fullPage: true });
  await tab(ctx, 'Pods');
  await page.waitForFunction(
    ([sel, pid]) =>
      [...document.querySelectorAll(sel)].some(
        (el) => /^app: running/.test(el.getAttribute('aria-label') ?? '') && el.textContent?.includes(`pid ${pid} `),
      ),
    [`article.pod[data-key^="${ctx.project}/"] section.member`, appPid] as const,
    WAIT,
  );
});

test('one HTTPS request through the pod shows as its log line in the Logs view, with the fields of tls-proxy’s JSON line', async (ctx) => {
  const { page } = ctx.browser;
  const path = `/lab-probe-${randomBytes(4).toString('hex')}`;
  await tab(ctx, 'Logs');
  await page.check(`input#log-${name(ctx, 'tls-proxy')}`);
  await page.fill('input[aria-label="Filter lines by text"]', path);
  const port = (await $`docker port ${name(ctx, 'pod')} 8443/tcp`.quiet()).stdout.trim().split('\n')[0]!;
  const res = await httpsGet(`https://${port}${path}?q=1`, { ca: readFileSync(join(runDir(ctx.project), 'ca', 'ca.crt')) });
  assert.is(res.status, 200);
  const line = page.locator('ol.log li', { hasText: path });
  await line.first().waitFor(WAIT);
  const text = (await line.first().textContent()) ?? '';
  assert.match(text, new RegExp(`^${name(ctx, 'tls-proxy')} `));
  assert.match(text, /INFO/);
  // The message, then the line's other fields as key=value.
  for (const part of [
    / request\s/,
    /\ssidecar=tls-proxy\s/,
    /\smethod=GET\s/,
    new RegExp(`\\spath=${path}\\s`),
    /\sstatus=200\s/,
    /\sms=\d/,
  ])
    assert.match(text, part);
  assert.is(await line.count(), 1, 'one request, one line');
  await ctx.browser.page.screenshot({ path: screenshotPath('logs'), fullPage: true });
});

test('the Processes view lists the pod’s processes, read by the lab (no topz in this pod): pause’s catatonit, tls-proxy’s bun and the legacy app’s python', async (ctx) => {
  const { page } = ctx.browser;
  await tab(ctx, 'Processes');
  const pick = page.locator('select[aria-label="Pod whose processes are shown"]');
  // One entry per pod, by its owner: here the pause container.
  await pick.locator(`option[value="${name(ctx, 'pod')}"]`).waitFor({ state: 'attached', ...WAIT });
  await pick.selectOption(name(ctx, 'pod'));
  // The table of this pod, not the one shown before the choice (another stack's pod may come first in the list).
  const table = page.locator('table.procs', { has: page.locator('caption', { hasText: `PID namespace of ${name(ctx, 'pod')}` }) });
  await table.locator('tbody tr').nth(2).waitFor(WAIT);
  const rows = await table.locator('tbody tr').allTextContents();
  for (const want of [/catatonit/, /bun/, /python/])
    assert.ok(
      rows.some((r) => want.test(r)),
      `a row matching ${want}: ${rows.join(' | ')}`,
    );
  assert.match((await page.locator('[data-testid=process-source]').textContent()) ?? '', /^read by the lab$/);
  await ctx.browser.page.screenshot({ path: screenshotPath('processes'), fullPage: true });
});

test('a screenshot of each view is kept, and the page showed no script error', async (ctx) => {
  for (const view of ['pods', 'timeline', 'logs', 'processes']) {
    const file = screenshotPath(view);
    const head = readFileSync(file).subarray(0, 8);
    assert.equal([...head], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], `${file} is a PNG`);
    assert.ok(statSync(file).mtimeMs >= started - 1000, `${file} is from this run`);
  }
  assert.equal(ctx.browser.errors, []);
});

test.run();
