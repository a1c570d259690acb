// npm run lab:screenshots [-- STACK...] [--out DIR]
//   The lab's picture of each lesson, for the docs: each stack (every one, or those named) is brought up as a
//   run of its own through the runner's lifecycle, one at a time, shown in the built lab in headless Chromium,
//   and its section of the Pods view (its pods, members, namespaces and port paths) written as
//   DIR/<stack>.png (default docs/lab/); then the run is taken down, also on Ctrl-C or a failure. None is drawn
//   by hand. The pictures carry ports and times: they change at each run, and no test compares their pixels.
//   Exit 0: one picture per stack; 1: a stack failed (the others are still taken); 2: bad input (one line).
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { $, retry } from 'zx';
import { openBrowser } from './lib/browser.js';
import { ROOT } from './lib/config.js';
import { downStack, upStack } from './lib/lifecycle.js';
import { stackNames } from './lib/scenarios.js';
import { teardownOnce } from './lib/teardown.js';
import { spawnLab } from './lib/lab/spawn.js';

const USAGE = 'usage: npm run lab:screenshots -- [STACK...] [--out DIR]';
const PICTURES_DIR = join(ROOT, 'docs', 'lab');

function parse(): { stacks: string[]; out: string } {
  try {
    const { values, positionals } = parseArgs({
      allowPositionals: true,
      options: { out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
    if (values.help) {
      console.log(USAGE);
      process.exit(0);
    }
    const unknown = positionals.filter((s) => !stackNames().includes(s));
    if (unknown.length) throw new Error(`no stack named ${unknown.join(', ')} (stacks: ${stackNames().join(', ')})`);
    return { stacks: positionals.length ? positionals : stackNames(), out: resolve(values.out ?? PICTURES_DIR) };
  } catch (e) {
    console.error(`lab:screenshots: ${(e as Error).message.split('\n')[0]}\n${USAGE}`);
    process.exit(2);
  }
}

const { stacks, out } = parse();
mkdirSync(out, { recursive: true });
const lab = await spawnLab();
const browser = await openBrowser({ width: 1280, height: 900 });
let project: string | undefined;
let current = '';
const finish = teardownOnce(async () => {
  if (project) await downStack(current, project);
  await browser.close();
  await lab.stop();
});
let failed = 0;
try {
  await browser.page.goto(lab.url);
  for (const stack of stacks) {
    current = stack;
    try {
      project = (await upStack(stack)).project;
      const running = (await $`docker ps -q --filter ${`label=com.docker.compose.project=${project}`}`.quiet()).stdout
        .trim()
        .split('\n').length;
      // The stack's own section (other runs may be up beside it), once it shows every running container.
      const section = browser.page.locator('section.stack', { has: browser.page.locator('h2 code', { hasText: project }) });
      await browser.page.waitForFunction(
        ([p, n]) => document.querySelectorAll(`article.pod[data-key^="${p}/"] section.member`).length >= n,
        [project, running] as const,
        { timeout: 60_000 },
      );
      const file = join(out, `${stack}.png`);
      // A live event may draw the Pods view again between finding the section and taking it: the new one is
      // taken then (Playwright throws for an element no longer attached), three times at most.
      await retry(3, () => section.screenshot({ path: file, timeout: 20_000 }));
      console.log(`  ✔ ${stack}: ${file}`);
    } catch (e) {
      failed++;
      console.error(`  ✘ ${stack}: ${(e as Error).message.split('\n')[0]}`);
    } finally {
      if (project) await downStack(stack, project);
      project = undefined;
    }
  }
} finally {
  await finish();
}
console.log(`lab:screenshots: ${stacks.length - failed} of ${stacks.length} pictures written to ${out}`);
process.exitCode = failed ? 1 : 0;
