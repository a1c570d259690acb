// Bundles each sidecar (sidecars/<name>/src/main.ts) into one ESM file, sidecars/<name>/dist/main.mjs,
// which its Dockerfile copies. Built on the host: no npm inside any image. The Bun programs of the stacks
// (BUN_PROGRAMS) are bundled the same way, <dir>/src/main.ts into <dir>/dist/main.mjs.
import { build } from 'esbuild';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './config.js';
import { bundleNodemon } from './nodemon-bundle.js';

/** Programs that are not sidecars but run on Bun in an image built as a sidecar's (images/Dockerfile, build
 * arg BUNDLE): the catalogue image that runs each, and its folder. Their tests run on Bun, as the sidecars'. */
export const BUN_PROGRAMS = [{ image: 'span-collector', dir: 'stacks/mesh/collector' }] as const;

export function sidecarNames(): string[] {
  const dir = join(ROOT, 'sidecars');
  return readdirSync(dir).filter((n) => existsSync(join(dir, n, 'src', 'main.ts')));
}

/** These sidecars, or every sidecar and every Bun program when none is named. */
export async function bundleSidecars(names?: string[]): Promise<void> {
  const dirs = names
    ? names.map((n) => join('sidecars', n))
    : [...sidecarNames().map((n) => join('sidecars', n)), ...BUN_PROGRAMS.map((p) => p.dir)];
  await Promise.all(
    dirs.map((dir) =>
      build({
        entryPoints: [join(ROOT, dir, 'src', 'main.ts')],
        outfile: join(ROOT, dir, 'dist', 'main.mjs'),
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        legalComments: 'none',
        logLevel: 'warning',
      }),
    ),
  );
  await bundleNodemon(); // legacy apps that run under nodemon (see nodemon-bundle.ts)
}
