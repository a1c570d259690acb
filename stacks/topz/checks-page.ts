// Check 5: the HTML page in a real browser: the host's Debian chromium, driven by playwright-core
// (which never downloads a browser of its own here). The screenshot is kept under artifacts/topz/.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { expect, type Check } from '../../scripts/lib/check.js';
import { ARTIFACTS_DIR } from '../../scripts/lib/config.js';
import type { StackContext } from '../../scripts/lib/lifecycle.js';
import { token, topzUrl } from './support.js';

export const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];
export const SCREENSHOT = join(ARTIFACTS_DIR, 'topz', 'topz-page.png');

type Row = string[];
const COLUMN = { name: 2, cpu: 4 };

export const pageInChromium: C = {
  name: 'the HTML page renders the process table in headless Chromium (Debian’s chromium, playwright-core), sorts by CPU on a click and refreshes itself; a screenshot is kept',
  async run(ctx) {
    if (!existsSync(CHROMIUM))
      throw new Error(`${CHROMIUM} is missing: as root, make bootstrap installs it (scripts/bootstrap/tools.sh; npm run doctor checks it)`);
    const url = await topzUrl(ctx);
    const profile = mkdtempSync(join(ctx.state, 'chromium-profile-'));
    const browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS,
      viewport: { width: 1280, height: 640 },
      timeout: 30_000,
    });
    try {
      const page = browser.pages()[0] ?? (await browser.newPage());
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
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
      rmSync(profile, { recursive: true, force: true });
    }
  },
};

type C = Check<StackContext>;
