// Bundles each sidecar (sidecars/<name>/src/main.ts) into one ESM file, sidecars/<name>/dist/main.mjs,
// and its health probe (sidecars/lib/health.ts with its parameter table) into dist/health.mjs, which the
// image's HEALTHCHECK runs; its Dockerfile copies both. Built on the host: no npm inside any image. The Bun programs of the stacks
// (BUN_PROGRAMS) are bundled the same way, <dir>/src/main.ts into <dir>/dist/main.mjs.
import { build } from 'esbuild';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DIST, ROOT } from './config.js';
import { bundleNodemon } from './nodemon-bundle.js';

/** Programs that are not sidecars but run on Bun in an image built as a sidecar's (images/Dockerfile, build
 * arg DIST): the catalogue image that runs each, and its folder. Their tests run on Bun, as the sidecars'. */
export const BUN_PROGRAMS = [{ image: 'span-collector', dir: 'stacks/mesh/collector' }] as const;

export function sidecarNames(): string[] {
  const dir = join(ROOT, 'sidecars');
  return readdirSync(dir).filter((n) => existsSync(join(dir, n, 'src', 'main.ts')));
}

/** The health bundle's entry: the shared probe, with the sidecar's env prefix and default admin port written
 * in as constants (its parameter table, as built in dist/), so that the probe loads nothing else. */
async function healthEntry(dir: string): Promise<string> {
  const { spec } = (await import(pathToFileURL(join(DIST, dir, 'src', 'params.js')).href)) as {
    spec: { prefix: string; params: { adminPort: { default?: number } } };
  };
  const probed = { prefix: spec.prefix, params: { adminPort: { default: spec.params.adminPort.default } } };
  return [
    `import { healthcheck } from ${JSON.stringify(join(ROOT, 'sidecars', 'lib', 'health.ts'))};`,
    `process.exit(await healthcheck(${JSON.stringify(probed)}, process.argv.slice(2), process.env));`,
  ].join('\n');
}

/** These sidecars, or every sidecar and every Bun program when none is named. */
export async function bundleSidecars(names?: string[]): Promise<void> {
  const dirs = names
    ? names.map((n) => join('sidecars', n))
    : [...sidecarNames().map((n) => join('sidecars', n)), ...BUN_PROGRAMS.map((p) => p.dir)];
  const common = { bundle: true, platform: 'node', format: 'esm', target: 'node20', legalComments: 'none', logLevel: 'warning' } as const;
  await Promise.all(
    dirs.flatMap((dir) => [
      build({ ...common, entryPoints: [join(ROOT, dir, 'src', 'main.ts')], outfile: join(ROOT, dir, 'dist', 'main.mjs') }),
      healthEntry(dir).then((contents) =>
        build({
          ...common,
          stdin: { contents, resolveDir: join(ROOT, dir, 'src'), loader: 'ts', sourcefile: 'health-entry.ts' },
          outfile: join(ROOT, dir, 'dist', 'health.mjs'),
        }),
      ),
    ]),
  );
  await bundleNodemon(); // legacy apps that run under nodemon (see nodemon-bundle.ts)
}
