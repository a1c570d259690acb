// The mesh's traffic in Chromium: with the mesh stack up as a run of its own and the frontend making calls to the
// backend (its /load, through its mesh-proxy), the Actions view's graph, read from the stack's Prometheus, shows
// a non-zero rate on the frontend → backend edge, with its error ratio and its own p99 (per edge, not per caller).
import * as assert from 'uvu/assert';
import { projectOf, readRun } from '../../../scripts/lib/run-state.js';
import { screenshotPath, stackInLabSuite, tab } from '../../../scripts/lib/test/lab-browser-support.js';
import { calls } from '../support.js';

const test = stackInLabSuite('lab: the mesh’s traffic in Chromium, with the mesh stack up', 'mesh');

test('with load running, the traffic graph shows a non-zero rate and a p99 on the frontend → backend edge', async (ctx) => {
  const { page } = ctx.browser;
  await tab(ctx, 'Actions');
  await page.locator(`[data-testid=actions-project] option[value="${ctx.project}"]`).waitFor({ state: 'attached', timeout: 30_000 });
  await page.selectOption('[data-testid=actions-project]', ctx.project);
  const load = calls(projectOf(readRun(ctx.project)), '/load?seconds=20&rps=20&concurrency=4');
  let shown: { text: string; p99: number };
  try {
    // The edge as it is shown when it first has both (the list is drawn again every 2 s).
    const found = await page.waitForFunction(
      () => {
        const li = [...document.querySelectorAll('[data-testid=edge][data-from=frontend][data-to=backend]')].find(
          (e) => Number(e.getAttribute('data-rps')) > 0 && e.getAttribute('data-p99') !== '',
        );
        return li ? { text: li.textContent ?? '', p99: Number(li.getAttribute('data-p99')) } : undefined;
      },
      undefined,
      { timeout: 30_000 },
    );
    shown = (await found.jsonValue()) as { text: string; p99: number };
  } finally {
    await load.catch(() => undefined);
  }
  assert.match(shown.text, /^frontend → backend: \d+\.\d\/s, \d+\.\d% errors, p99 \d+ ms$/);
  assert.ok(shown.p99 > 0 && shown.p99 <= 5, `the edge's own p99 (${shown.p99} s), within the histogram's buckets`);
  assert.ok((await page.locator('[data-testid=mesh-graph] svg rect').count()) >= 2, 'the graph draws the services');
  await page.screenshot({ path: screenshotPath('mesh-traffic'), fullPage: true });
  assert.equal(ctx.browser.errors, []);
});

test.run();
