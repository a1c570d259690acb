// Check 5: the HTML page in a real browser: the machine's Chromium, driven by playwright-core through
// scripts/lib/browser.ts (which never downloads a browser). The screenshot is kept under artifacts/topz/.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openBrowser } from '../../scripts/lib/browser.js';
import { expect, type Check } from '../../scripts/lib/check.js';
import { ARTIFACTS_DIR } from '../../scripts/lib/config.js';
import type { StackContext } from '../../scripts/lib/lifecycle.js';
import { token, topzUrl } from './support.js';

export const SCREENSHOT = join(ARTIFACTS_DIR, 'topz', 'topz-page.png');

type Row = string[];
const COLUMN = { name: 2, cpu: 4 };

export const pageInChromium: C = {
  weight: 'heavy',
  name: 'the HTML page renders the process table in headless Chromium (the one on PATH or in SIDECAR_LAB_CHROMIUM, driven by playwright-core), sorts by CPU on a click and refreshes itself; a screenshot is kept',
  async run(ctx) {
    const url = await topzUrl(ctx);
    const browser = await openBrowser({ height: 640 });
    try {
      const { page, errors } = browser;
      // The token goes in the fragment: never sent to the server, taken by the page's script.
      await page.goto(`${url}/#token=${encodeURIComponent(token(ctx))}`);
      await page.waitForFunction(
        () =>
          [...document.querySelectorAll('#procs tbody tr')].some(
            (tr) => tr.children[2]?.textContent === 'busy-worker' && tr.children[4]?.textContent !== '…',
          ),
        null,
        { timeout: 15_000 },
      );
      const before = await page.locator('#status').getAttribute('data-scanned-at');
      await page.click('th[data-key="cpuPercent"]');
      const rows: Row[] = await page.$$eval('#procs tbody tr', (trs) =>
        trs.map((tr) => [...tr.children].map((td) => td.textContent ?? '')),
      );
      const names = rows.map((r) => r[COLUMN.name]);
      for (const n of ['catatonit', 'topz', 'supervisor', 'busy-worker', 'idle-worker'])
        expect.ok(names.includes(n), `a row for ${n}`, n, names);
      // Sorted by CPU, highest first: the column never rises, and the busy worker is above the app's sleeping processes.
      const cpu = rows.map((r) => Number(r[COLUMN.cpu]));
      expect.ok(
        cpu.every((v, i) => i === 0 || Number.isNaN(v) || Number.isNaN(cpu[i - 1]!) || v <= cpu[i - 1]!),
        'the CPU % column after a click on “CPU %”',
        'highest first',
        rows.map((r) => `${r[COLUMN.name]} ${r[COLUMN.cpu]}`),
      );
      const at = (n: string) => names.indexOf(n);
      expect.ok(
        at('busy-worker') < Math.min(at('supervisor'), at('idle-worker')),
        'the busy worker’s row against the supervisor’s and the idle workers’',
        'above them',
        names,
      );
      expect.ok(!page.url().includes('token='), 'the token was taken out of the address bar', 'no token= in the URL', page.url());
      await page.waitForFunction((t) => (document.querySelector('#status') as HTMLElement).dataset.scannedAt !== t, before, {
        timeout: 8000,
      });
      mkdirSync(join(ARTIFACTS_DIR, 'topz'), { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
      expect.equal(errors, [], 'script errors on the page');
      console.log(`      screenshot: ${SCREENSHOT}`);
    } finally {
      await browser.close();
    }
  },
};

type C = Check<StackContext>;
