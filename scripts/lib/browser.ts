// The one way our checks and tests drive a browser: a headless Chromium that is already on the machine
// (the bootstrap installs Debian's), driven by playwright-core, which never downloads a browser of its own.
// SIDECAR_LAB_CHROMIUM names another executable; otherwise the first of chromium, chromium-browser and
// google-chrome on PATH.
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';

const NAMES = ['chromium', 'chromium-browser', 'google-chrome'];
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

const executable = (file: string) => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** The Chromium to drive; throws one line that says how to get one. */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  const given = env.SIDECAR_LAB_CHROMIUM;
  if (given) {
    if (!executable(given)) throw new Error(`SIDECAR_LAB_CHROMIUM=${given} is not an executable file`);
    return given;
  }
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean))
    for (const name of NAMES) if (executable(join(dir, name))) return join(dir, name);
  throw new Error(
    `no Chromium on PATH (${NAMES.join(', ')}): as root, make bootstrap installs Debian's chromium (npm run doctor checks it), or set SIDECAR_LAB_CHROMIUM`,
  );
}

/** A request Chromium aborted because the host's network changed under it: Docker adds and removes bridges and
 * veths on the host as other runs go up and down, and Chromium then cancels what is in flight. Not the page's
 * error (its next poll asks again), so not among a page's errors; what the page shows is asserted on its own. */
const NETWORK_CHANGED = 'Failed to load resource: net::ERR_NETWORK_CHANGED';

export interface Browser {
  page: Page;
  context: BrowserContext;
  /** Script errors and console errors the page has shown so far. */
  errors: string[];
  close(): Promise<void>;
}

/** A headless Chromium with a fresh profile (removed on close) and one page whose errors are collected. */
export async function openBrowser(o: { width?: number; height?: number } = {}): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'sidecar-lab-chromium-'));
  let context: BrowserContext;
  try {
    // Loaded here, not at the top: `npm run doctor` asks chromiumPath() without a browser driver.
    const { chromium } = await import('playwright-core');
    context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath(),
      headless: true,
      args: ARGS,
      viewport: { width: o.width ?? 1280, height: o.height ?? 800 },
      timeout: 30_000,
    });
  } catch (e) {
    rmSync(profile, { recursive: true, force: true });
    throw e;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    if (m.text() !== NETWORK_CHANGED) errors.push(m.text());
  });
  return {
    page,
    context,
    errors,
    async close() {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
