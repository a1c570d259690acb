// The page: one HTML document with the bundled script and style inline (built by scripts/lib/bundle.ts
// into <dist>/lab/), so that the first load, the only one that may carry ?token=, brings everything (with the
// picture of the pods, when the lab has one at hand: withPods), and
// the Content-Security-Policy allows exactly these two by their hashes. Nothing loads from the network.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DIST } from '../config.js';
import { cspHash } from './guard.js';

export interface Page {
  html: string;
  scriptHash: string;
  styleHash: string;
  /** Where the tag of the page's script begins in html. */
  scriptAt: number;
}

export const PAGE_DIR = join(DIST, 'lab');

/** The page with a picture of the pods in it, as a JSON data block (never run: the CSP's hashes do not name it),
 * that the script draws before it asks for anything; `<` is escaped, so no text in it closes the block. */
export function withPods(page: Page, pods: Buffer | undefined): string {
  if (!pods) return page.html;
  const block = `<script type="application/json" id="pods">${pods.toString('utf8').replaceAll('<', '\\u003c')}</script>\n`;
  return page.html.slice(0, page.scriptAt) + block + page.html.slice(page.scriptAt);
}

export function pageOf(script: string, style: string): Page {
  if (/<\/script/i.test(script) || /<\/style/i.test(style))
    throw new Error('the lab bundle contains a closing tag it cannot be inlined with');
  const html = [
    '<!doctype html>',
    '<html lang="en">',
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    // An empty icon: the browser asks for no /favicon.ico (which, without the token, would be a 403).
    '<meta name="referrer" content="no-referrer"><link rel="icon" href="data:,"><title>sidecar-lab: the lab</title>',
    `<style>${style}</style></head>`,
    '<body><main id="app" aria-live="polite"><p>Loading the lab…</p></main>',
    `<script>${script}</script></body></html>`,
  ].join('\n');
  return {
    html,
    scriptHash: cspHash(script),
    styleHash: cspHash(style),
    scriptAt: html.length - `<script>${script}</script></body></html>`.length,
  };
}

/** The page from the build; throws with the remedy when the build has not made it. */
export function loadPage(dir = PAGE_DIR): Page {
  const [script, style] = ['app.js', 'app.css'].map((f) => join(dir, f));
  if (!existsSync(script!) || !existsSync(style!))
    throw new Error(`the lab's page is not built (${script} is missing): run npm run -s build`);
  return pageOf(readFileSync(script!, 'utf8'), readFileSync(style!, 'utf8'));
}
