// nodemon for legacy apps, without npm in any image: each legacy-apps/<name>/ that has a
// nodemon.entry.cjs gets vendor/nodemon.cjs, one file bundled by esbuild from the nodemon
// devDependency. Two things nodemon finds out at run time from its files are fixed at bundle time:
// its version (it walks up to its package.json), and that it runs as the CLI (it looks for
// bin/nodemon.js among its callers; as a library it would log nothing and never exit on SIGTERM).
// Its update check is left out, and so is a dependency's command-line block.
import { build, type Plugin } from 'esbuild';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './config.js';

export function nodemonApps(): string[] {
  const dir = join(ROOT, 'legacy-apps');
  return existsSync(dir) ? readdirSync(dir).filter((n) => existsSync(join(dir, n, 'nodemon.entry.cjs'))) : [];
}

const pinnedVersion = (version: string): Plugin => ({
  name: 'nodemon-version',
  setup(b) {
    b.onLoad({ filter: /[\\/]nodemon[\\/]lib[\\/]version\.js$/ }, () => ({
      loader: 'js',
      contents: `const v = ${JSON.stringify(version)};
function version(cb) { const p = Promise.resolve(v); if (cb) p.then((x) => cb(null, x)); return p; }
version.pin = () => Promise.resolve((version.pinned = v));
version.pinned = v;
module.exports = version;`,
    }));
    b.onLoad({ filter: /[\\/]nodemon[\\/]lib[\\/]utils[\\/]index\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes('isRequired: (function')) throw new Error(`nodemon changed: no isRequired in ${args.path}`);
      return { loader: 'js', contents: text.replace('isRequired: (function', 'isRequired: false && (function') };
    });
    // pstree.remy has a CLI block guarded by `!module.parent`, which is true in a bundle: it would
    // print its own process list at every start.
    b.onLoad({ filter: /[\\/]pstree\.remy[\\/]lib[\\/]index\.js$/ }, (args) => ({
      loader: 'js',
      contents: readFileSync(args.path, 'utf8').replace('if (!module.parent)', 'if (false)'),
    }));
  },
});

export async function bundleNodemon(apps = nodemonApps()): Promise<void> {
  if (!apps.length) return;
  const version = (JSON.parse(readFileSync(join(ROOT, 'node_modules', 'nodemon', 'package.json'), 'utf8')) as { version: string }).version;
  await Promise.all(
    apps.map((name) =>
      build({
        entryPoints: [join(ROOT, 'legacy-apps', name, 'nodemon.entry.cjs')],
        outfile: join(ROOT, 'legacy-apps', name, 'vendor', 'nodemon.cjs'),
        bundle: true,
        platform: 'node',
        format: 'cjs',
        target: 'node20',
        external: ['fsevents'],
        nodePaths: [join(ROOT, 'node_modules')],
        plugins: [pinnedVersion(version)],
        legalComments: 'none',
        logLevel: 'warning',
      }),
    ),
  );
}
