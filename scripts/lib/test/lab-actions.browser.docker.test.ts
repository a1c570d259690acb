// The lab's actions in Chromium, clicked on the page, against the https stack up as a run of its own: its
// checks run from the Actions view (each check's result appears, the marked ones skipped without the
// confirm step, and the stack is still up with the same containers), then the sidecar killed with the
// chaos button: the timeline marks the action, then shows the die and the healthy-again; then the snapshot of
// the pods and timeline exported as SVG, parsed by the browser.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { $ } from 'zx';
import { until } from '../../../sidecars/lib/test-support/wait.js';
import { backAfterKill, type ShownEvent, shownEvents } from '../lab/drive.js';
import { downStack } from '../lifecycle.js';
import { runDir } from '../run-state.js';
import { loadScenario } from '../scenarios.js';
import { checksOfRun } from '../stack-check.js';
import { httpsGet } from '../tls-client.js';
import { hostPid, name, screenshotPath, stackInLabSuite, tab } from './lab-browser-support.js';

const test = stackInLabSuite('lab: actions in Chromium, with the https stack up', 'https');
const WAIT = { timeout: 15_000 };

/** The run's containers: full id, name and state, sorted. */
const containers = async (project: string) =>
  (
    await $`docker ps -a --no-trunc --filter ${`label=com.docker.compose.project=${project}`} --format ${'{{.ID}} {{.Names}} {{.State}}'}`.quiet()
  ).stdout
    .trim()
    .split('\n')
    .sort();

test('the https checks run from the page: each check’s result appears, none fails, the marked ones are skipped without the confirm step, and the stack is still up with the same containers', async (ctx) => {
  const { page } = ctx.browser;
  const before = await containers(ctx.project);
  assert.is(before.length, 3);
  const count = checksOfRun(await loadScenario('https')).length;
  await tab(ctx, 'Actions');
  await page.locator(`[data-testid=actions-project] option[value="${ctx.project}"]`).waitFor({ state: 'attached', ...WAIT });
  await page.selectOption('[data-testid=actions-project]', ctx.project);
  // The confirm step: asked for, cancelled, nothing runs.
  await page.click('[data-testid=run-all-checks]');
  await page.locator('[role=alertdialog]').waitFor(WAIT);
  await page.click('[data-testid=confirm-no]');
  await page.locator('[role=alertdialog]').waitFor({ state: 'hidden', ...WAIT });
  assert.is(await page.locator('[data-testid=checks-status]').textContent(), 'No checks run yet.');
  await page.click('[data-testid=run-checks]');
  await page.locator('[data-testid=check-result]').first().waitFor({ timeout: 60_000 });
  await page.locator('[data-testid=checks-status][data-state=done]').waitFor({ timeout: 240_000 });
  const results = await page
    .locator('[data-testid=check-result]')
    .evaluateAll((els) =>
      els.map((e) => [Number(e.getAttribute('data-number')), e.getAttribute('data-ok'), e.hasAttribute('data-skipped')] as const),
    );
  assert.equal(
    results.map((r) => r[0]),
    Array.from({ length: count }, (_, i) => i + 1),
    'one result per check, in order',
  );
  assert.equal(
    results.filter((r) => r[1] !== 'true'),
    [],
    'no check failed',
  );
  const skipped = results.filter((r) => r[2]).length;
  assert.ok(skipped >= 3, `the marked checks are skipped (${skipped})`);
  assert.match(
    (await page.locator('[data-testid=checks-status]').textContent()) ?? '',
    new RegExp(`^done: ${count - skipped} passed, 0 failed, ${skipped} skipped; ${ctx.project} is still up$`),
  );
  assert.match(
    (await page.locator('[data-testid=check-output]').textContent()) ?? '',
    new RegExp(`checks of ${ctx.project}, which stays up`),
  );
  assert.equal(await containers(ctx.project), before, 'the same containers, all still running');
  assert.ok(before.every((c) => c.endsWith(' running')));
  await page.screenshot({ path: screenshotPath('actions'), fullPage: true });
});

test('with HTTPS load running through the pod, the traffic shows a non-zero rate of requests through tls-proxy, read from its /metrics', async (ctx) => {
  const { page } = ctx.browser;
  await tab(ctx, 'Actions');
  await page.selectOption('[data-testid=actions-project]', ctx.project);
  const port = (await $`docker port ${name(ctx, 'pod')} 8443/tcp`.quiet()).stdout.trim().split('\n')[0]!;
  const ca = readFileSync(join(runDir(ctx.project), 'ca', 'ca.crt'));
  let load = true;
  let sent = 0;
  const loading = (async () => {
    while (load) {
      await httpsGet(`https://${port}/`, { ca });
      sent++;
    }
  })();
  try {
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll('[data-testid=rate][data-service=tls-proxy][data-what=requests]')].some(
          (li) => Number(li.getAttribute('data-per-second') || 0) > 0,
        ),
      undefined,
      { timeout: 20_000 },
    );
  } finally {
    load = false;
    await loading;
  }
  assert.ok(sent > 0);
  assert.match(
    (await page.locator('[data-testid=rate][data-service=tls-proxy]').textContent()) ?? '',
    /^tls-proxy requests: \d+\.\d\/s \(\d+ in all\)$/,
  );
  await page.screenshot({ path: screenshotPath('traffic'), fullPage: true });
});

test('the sidecar killed with the chaos button: the timeline marks the action, then shows tls-proxy’s die (exit 137) and its healthy-again; the app keeps its PID', async (ctx) => {
  const { page } = ctx.browser;
  const appPid = await hostPid(ctx, 'app');
  await tab(ctx, 'Actions');
  await page.selectOption('[data-testid=actions-project]', ctx.project);
  await page.click('[data-testid=chaos-kill-tls-proxy]');
  await page.locator('[data-testid=chaos-status]', { hasText: /tls-proxy-1: kill SIGKILL \(pid\), marked on the timeline$/ }).waitFor(WAIT);
  await tab(ctx, 'Timeline');
  await page.selectOption('select[aria-label="Project shown in the timeline"]', ctx.project);
  // In time order: the lab's mark, then a die with exit 137, then healthy again.
  let items: ShownEvent[] = [];
  await until(
    'the kill, the die and healthy again on the timeline',
    async () => backAfterKill((items = await shownEvents(page, 'tls-proxy')), true) !== undefined,
    20_000,
    100,
  );
  assert.match(items[backAfterKill(items, true)!.die]![1], /die \(exit 137\)/);
  const mark = page.locator('[data-testid=event][data-action=lab][data-service=tls-proxy]');
  assert.is(await mark.count(), 1);
  assert.match((await mark.textContent()) ?? '', /☛ .*tls-proxy\s+lab action: kill SIGKILL \(pid\)/);
  assert.is(await hostPid(ctx, 'app'), appPid, 'the app’s process is the same');
  await page.screenshot({ path: screenshotPath('chaos'), fullPage: true });
});

test('the snapshot exported as SVG parses, and names each container of the pod and the kill marked on its timeline', async (ctx) => {
  const { page } = ctx.browser;
  await tab(ctx, 'Actions');
  await page.selectOption('[data-testid=actions-project]', ctx.project);
  const [download] = await Promise.all([page.waitForEvent('download', WAIT), page.click('[data-testid=export-svg]')]);
  assert.is(download.suggestedFilename(), `${ctx.project}.svg`);
  const svg = readFileSync((await download.path())!, 'utf8');
  const parsed = await page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    return {
      root: doc.documentElement.nodeName,
      errors: doc.getElementsByTagName('parsererror').length,
      members: [...doc.querySelectorAll('g.member')].map((g) => g.textContent ?? ''),
      titles: [...doc.querySelectorAll('title')].map((t) => t.textContent ?? ''),
    };
  }, svg);
  assert.equal([parsed.root, parsed.errors], ['svg', 0]);
  for (const service of ['pod', 'tls-proxy', 'app'])
    assert.ok(
      parsed.members.some((m) => m.startsWith(`${ctx.project}-${service}-1 `)),
      `${service}: ${parsed.members.join(' | ')}`,
    );
  assert.ok(parsed.titles.includes('lab action: kill SIGKILL (pid)'), parsed.titles.join(', '));
  assert.equal(ctx.browser.errors, []);
});

test('the https lesson’s page: its picture; Run it brings a second run up whose pods show beside it, and its button takes that run down again', async (ctx) => {
  const { page } = ctx.browser;
  await tab(ctx, 'Lessons');
  await page.click('[data-testid=lesson-https]');
  await page.locator('[data-testid=lesson] h2', { hasText: 'Adding HTTPS to a legacy service with a TLS sidecar' }).waitFor(WAIT);
  await page.waitForFunction(
    () => (document.querySelector<HTMLImageElement>('[data-testid=lesson-picture]')?.naturalWidth ?? 0) > 100,
    undefined,
    WAIT,
  );
  // The suite's own run shows beside the lesson already.
  await page.locator(`[data-testid=lesson-live] article.pod[data-key^="${ctx.project}/"]`).waitFor(WAIT);
  let started: string | undefined;
  try {
    await page.click('[data-testid=lesson-run]');
    await page.locator('[data-testid=lesson-status][data-state=done]').waitFor({ timeout: 120_000 });
    started = /^up as (sl-https-[0-9a-f]{6})$/.exec((await page.locator('[data-testid=lesson-status]').textContent()) ?? '')?.[1];
    assert.ok(started, `up: ${await page.locator('[data-testid=lesson-output]').textContent()}`);
    assert.is.not(started, ctx.project);
    const pod = page.locator(`[data-testid=lesson-live] article.pod[data-key^="${started}/"]`);
    await pod.locator('section.member').nth(2).waitFor(WAIT);
    await page.screenshot({ path: screenshotPath('lesson'), fullPage: true });
    await page.click(`[data-testid=lesson-down-${started}]`);
    await pod.waitFor({ state: 'detached', timeout: 60_000 });
    assert.is(
      (await $`docker ps -aq --filter ${`label=com.docker.compose.project=${started}`}`.quiet()).stdout.trim(),
      '',
      'nothing of it is left',
    );
    started = undefined;
    assert.equal((await containers(ctx.project)).length, 3, 'the suite’s own run is still up');
  } finally {
    if (started) await downStack('https', started);
  }
});

test.run();
