// The mesh's traffic in Chromium: with the mesh stack up as a run of its own and the frontend making calls to the
// backend (its /load, through its mesh-proxy), the Actions view's graph, read from the stack's Prometheus, shows
// a non-zero rate on the frontend → backend edge, with its error ratio and p99.
import * as assert from 'uvu/assert';
import { projectOf, readRun } from '../../../scripts/lib/run-state.js';
import { screenshotPath, stackInLabSuite, tab } from '../../../scripts/lib/test/lab-browser-support.js';
import { calls } from '../support.js';

const test = stackInLabSuite('lab: the mesh’s traffic in Chromium, with the mesh stack up', 'mesh');

test('with load running, the traffic graph shows a non-zero rate on the frontend → backend edge', async (ctx) => {
  const { page } = ctx.browser;
  await tab(ctx, 'Actions');
  await page.locator(`[data-testid=actions-project] option[value="${ctx.project}"]`).waitFor({ state: 'attached', timeout: 30_000 });
  await page.selectOption('[data-testid=actions-project]', ctx.project);
  const load = calls(projectOf(readRun(ctx.project)), '/load?seconds=20&rps=20&concurrency=4');
  try {
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll('[data-testid=edge][data-from=frontend][data-to=backend]')].some(
          (li) => Number(li.getAttribute('data-rps')) > 0,
        ),
      undefined,
      { timeout: 30_000 },
    );
  } finally {
    await load.catch(() => undefined);
  }
  const edge = (await page.locator('[data-testid=edge][data-from=frontend][data-to=backend]').textContent()) ?? '';
  assert.match(edge, /^frontend → backend: \d+\.\d\/s, \d+\.\d% errors, p99 (\d+ ms|unknown)$/);
  assert.ok((await page.locator('[data-testid=mesh-graph] svg rect').count()) >= 2, 'the graph draws the services');
  await page.screenshot({ path: screenshotPath('mesh-traffic'), fullPage: true });
  assert.equal(ctx.browser.errors, []);
});

test.run();
