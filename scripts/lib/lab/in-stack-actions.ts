// The lab's four views and its actions inside every stack's scenario run, on the lab's page in Chromium
// (browser.ts), as a workshop leader would use them: the Pods view shows every running container of the run; the
// Actions view runs one of this run's checks, and the run is still up, every container the same, after it; then the
// chaos button that kills the run's first sidecar, as the lessons do: the Timeline view marks the action, and the
// sidecar dies and comes back (healthy, where it has a health check; by its restart policy, or by the lab's start
// where only the engine could kill it); the Logs view shows its lines, and the
// Processes view its pod's processes. The check the page runs is the lab's own picture check: it reads and changes
// nothing, so it passes again at the end of any run, where a lesson's first check may not.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { $ } from 'zx';
import { type Browser, openBrowser } from '../browser.js';
import { type Check, CheckFailure, eventually, expect, note } from '../check.js';
import { ARTIFACTS_DIR } from '../config.js';
import type { StackContext } from '../stack-types.js';
import { namespaceAccess } from '../verify/probe.js';
import { backAfterKill, type ShownEvent, showTab, shownEvents } from './drive.js';
import { spawnLab } from './spawn.js';

/** How long a check run from the page, or the sidecar's return, may take. */
const DEADLINE_MS = 90_000;
const WAIT = { timeout: 15_000 };

const runningIds = async (project: string) =>
  (await $`docker ps --filter ${`label=com.docker.compose.project=${project}`} --format ${'{{.ID}}'}`.quiet()).stdout
    .split('\n')
    .filter(Boolean)
    .sort();

export const labActions = (pictureCheck: number): Check<StackContext> => ({
  name: `lab: on the lab's page in Chromium, the Pods view shows every running container; check ${pictureCheck} of the run passes from the Actions view and every container stays up; the first sidecar killed with its chaos button is marked on the timeline, dies and comes back, and the sidecar's log lines and (where the lab sees the engine's processes) the pod's processes show`,
  effect: 'destroys',
  weight: 'heavy',
  async run(ctx) {
    const project = ctx.project.name;
    const lab = await spawnLab();
    let browser: Browser | undefined;
    try {
      browser = await openBrowser({ width: 1280, height: 900 });
      const { page } = browser;
      const tab = (view: string) => showTab(page, view, WAIT.timeout);
      const before = await runningIds(project);
      // The lab reads namespaces and processes from its own /proc: a runner with a /proc of its own (Docker
      // Desktop's case) has none of the run's, so the picture check is skipped there and the Processes view is empty.
      const [pid, id] = (await $`docker inspect --format ${'{{.State.Pid}} {{.Id}}'} ${before[0]}`.quiet()).stdout.trim().split(' ');
      const denied = namespaceAccess(Number(pid), id!);
      await page.goto(lab.url);
      try {
        await page.waitForFunction(
          ({ project, n }) =>
            [...document.querySelectorAll(`article.pod[data-key^="${project}/"] section.member`)].filter((m) =>
              /: running/.test(m.getAttribute('aria-label') ?? ''),
            ).length === n,
          { project, n: before.length },
          WAIT,
        );
      } catch {
        // What the page showed instead: its status line, the pods it drew, and what else its panel said.
        throw new CheckFailure('the running members the Pods view shows of the run', `${before.length}, as docker ps lists`, {
          members: await page
            .locator(`article.pod[data-key^="${project}/"] section.member`)
            .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label'))),
          status: await page.locator('p.status').textContent(),
          pods: await page.locator('article.pod').evaluateAll((els) => els.map((e) => e.getAttribute('data-key'))),
          panel: (await page.locator('#panel').innerText()).slice(0, 300),
        });
      }
      await tab('Actions');
      await page.locator(`[data-testid=actions-project] option[value="${project}"]`).waitFor({ state: 'attached', ...WAIT });
      await page.selectOption('[data-testid=actions-project]', project);

      await page.fill('[data-testid=checks-only]', String(pictureCheck));
      await page.click('[data-testid=run-checks]');
      await page.locator('[data-testid=checks-status][data-state=done]').waitFor({ timeout: DEADLINE_MS });
      const results = await page
        .locator('[data-testid=check-result]')
        .evaluateAll((els) =>
          els.map(
            (e) => `${e.getAttribute('data-number')} ${e.getAttribute('data-ok')}${e.hasAttribute('data-skipped') ? ' skipped' : ''}`,
          ),
        );
      expect.equal(
        { results, status: await page.locator('[data-testid=checks-status]').textContent() },
        {
          results: [`${pictureCheck} true${denied ? ' skipped' : ''}`],
          status: `done: ${denied ? '0 passed, 0 failed, 1 skipped' : '1 passed, 0 failed, 0 skipped'}; ${project} is still up`,
        },
        `check ${pictureCheck} run from the page's Actions view (${(await page.locator('[data-testid=check-output]').textContent())?.trim().split('\n').at(-1)})`,
      );
      expect.equal(await runningIds(project), before, 'the running containers of the run, after the check run from the page');

      const buttons = page.locator('[data-testid=chaos] button');
      const kill = page.locator('[data-testid=chaos] button[data-testid^="chaos-kill-"]').first();
      // A sidecar's kill button needs its role, which a fresh lab may still be reading (picture.ts).
      await kill.waitFor(WAIT).catch(async () => {
        throw new CheckFailure('a chaos button that kills a sidecar of the run', 'one', await buttons.allTextContents());
      });
      const service = (await kill.getAttribute('data-testid'))!.slice('chaos-kill-'.length);
      const container = `${project}-${service}-1`;
      const healthChecked =
        (await $`docker inspect --format ${'{{if .State.Health}}yes{{end}}'} ${container}`.quiet()).stdout.trim() === 'yes';
      await kill.click();
      // By PID where the lab sees the engine's processes; through the engine elsewhere, and then the lab makes the
      // start the restart policy would have made after a crash (crash.ts).
      await page
        .locator('[data-testid=chaos-status]', {
          hasText: new RegExp(`^${container}: kill SIGKILL \\(${denied ? 'engine' : 'pid'}\\), marked on the timeline$`),
        })
        .waitFor(WAIT);
      await tab('Timeline');
      await page.selectOption('select[aria-label="Project shown in the timeline"]', project);
      // In time order: the lab's mark, then the sidecar's die, then its health_status healthy (or its start).
      let shown: ShownEvent[] = [];
      const seen = await eventually(
        async () => {
          shown = await shownEvents(page, service);
          const at = backAfterKill(shown, healthChecked);
          if (at) return at;
          throw new CheckFailure(
            `${service}'s events on the page's timeline`,
            `the lab's mark, then die, then ${healthChecked ? 'health_status: healthy' : 'start'}`,
            shown.slice(-8),
          );
        },
        { within: DEADLINE_MS, every: 200 },
      );

      await tab('Pods');
      const owner = await page
        .locator(`article.pod[data-key^="${project}/"]`, {
          has: page.locator('section.member h4', { hasText: new RegExp(`^${service} `) }),
        })
        .locator('section.member.owner h4')
        .textContent();
      const pod = `${project}-${owner?.split(' ')[0]}-1`;
      await tab('Logs');
      await page.check(`input[id="log-${container}"]`);
      const lines = page.locator('ol.log li', { hasText: new RegExp(`^${container} `) });
      await lines.first().waitFor(WAIT);
      const logged = await lines.count();

      let caption = `Processes view not asserted: ${denied}`;
      if (!denied) {
        await tab('Processes');
        const pick = page.locator('select[aria-label="Pod whose processes are shown"]');
        await pick.locator(`option[value="${pod}"]`).waitFor({ state: 'attached', ...WAIT });
        await pick.selectOption(pod);
        const table = page.locator('table.procs', { has: page.locator('caption', { hasText: `in the PID namespace of ${pod}` }) });
        await table.locator('tbody tr').first().waitFor(WAIT);
        caption = (await table.locator('caption').textContent()) ?? '';
        expect.equal(Number(caption.split(' ')[0]), await table.locator('tbody tr').count(), `the rows of ${pod}'s processes (${caption})`);
      }
      note(
        `kill ${service}: ${shown
          .slice(seen.mark, seen.back + 1)
          .map(([a]) => a)
          .join(', ')}; ${logged} log line(s) shown; ${caption}`,
      );
      expect.equal(browser.errors, [], 'script errors on the page');
      mkdirSync(join(ARTIFACTS_DIR, 'lab'), { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS_DIR, 'lab', `in-stack-${ctx.stack}.png`), fullPage: true });
    } finally {
      await browser?.close();
      await lab.stop();
    }
  },
});
