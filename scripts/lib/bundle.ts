// Bundles each sidecar (sidecars/<name>/src/main.ts) into one ESM file, sidecars/<name>/dist/main.mjs,
// which its Dockerfile copies. Built on the host: no npm inside any image.
import { build } from 'esbuild';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './config.js';
import { bundleNodemon } from './nodemon-bundle.js';

export function sidecarNames(): string[] {
  const dir = join(ROOT, 'sidecars');
  return readdirSync(dir).filter((n) => existsSync(join(dir, n, 'src', 'main.ts')));
}

export async function bundleSidecars(names = sidecarNames()): Promise<void> {
  await Promise.all(
    names.map((name) =>
      build({
        entryPoints: [join(ROOT, 'sidecars', name, 'src', 'main.ts')],
        outfile: join(ROOT, 'sidecars', name, 'dist', 'main.mjs'),
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
