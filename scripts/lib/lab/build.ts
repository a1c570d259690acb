// `npm run build` step: the lab's page (scripts/lib/lab/page/) bundled with esbuild into <dist>/lab/app.js
// and app.css, which the server inlines into its one HTML document (page.ts). Everything it uses is in
// the bundle: the page loads nothing from the network.
import { build } from 'esbuild';
import { join } from 'node:path';
import { ROOT } from '../config.js';
import { PAGE_DIR } from './page.js';

export async function bundleLabPage(): Promise<void> {
  const src = join(ROOT, 'scripts', 'lib', 'lab', 'page');
  await build({
    entryPoints: { app: join(src, 'main.ts') },
    outdir: PAGE_DIR,
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'chrome110',
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  await build({
    entryPoints: { app: join(src, 'app.css') },
    outdir: PAGE_DIR,
    bundle: true,
    minify: true,
    logLevel: 'warning',
  });
}
