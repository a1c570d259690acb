// The lab's actions in Chromium, clicked on the page, against the https stack up as a run of its own: its
// checks run from the Actions view (each check's result appears, the marked ones skipped without the
// confirm step, and the stack is still up with the same containers), then the sidecar killed with the
// chaos button: the timeline marks the action, then shows the die and the healthy-again.
import * as assert from 'uvu/assert';
import { $ } from 'zx';
import { loadScenario } from '../scenarios.js';
import { checksOfRun } from '../stack-check.js';
import { hostPid, screenshotPath, stackInLabSuite, tab } from './lab-browser-support.js';

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
  await page.waitForFunction(
    () => {
      const items = [...document.querySelectorAll('[data-testid=event][data-service=tls-proxy]')].map((li) => [
        li.getAttribute('data-action'),
        li.textContent ?? '',
      ]);
      const mark = items.findIndex(([a]) => a === 'lab');
      const die = items.findIndex(([a, t], i) => i > mark && a === 'die' && /die \(exit 137\)/.test(t!));
      return mark >= 0 && die > mark && items.some(([a, t], i) => i > die && a === 'health_status' && /health healthy/.test(t!));
    },
    undefined,
    { timeout: 20_000 },
  );
  const mark = page.locator('[data-testid=event][data-action=lab][data-service=tls-proxy]');
  assert.is(await mark.count(), 1);
  assert.match((await mark.textContent()) ?? '', /☛ .*tls-proxy\s+lab action: kill SIGKILL \(pid\)/);
  assert.is(await hostPid(ctx, 'app'), appPid, 'the app’s process is the same');
  await page.screenshot({ path: screenshotPath('chaos'), fullPage: true });
  assert.equal(ctx.browser.errors, []);
});

test.run();
