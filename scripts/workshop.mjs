// npm run workshop -- bundle FILE [--stack NAME]... [--platform P]... | load FILE
//   bundle  builds what the room needs and writes it to FILE: the images (of the stacks named, or of every stack)
//           for each platform named, by default linux/amd64 and linux/arm64, the npm packages as an npm cache, and
//           the Linux Bun binaries (scripts/lib/room-bundle.ts says what is in it). Needs the tree committed: a
//           bundle is of one commit.
//   load    installs FILE on a laptop that has this clone (at the bundle's commit), Node and a Docker engine, and
//           nothing else yet. No npm package is installed then, so this file is plain Node and loads no
//           dependency. It checks that the bundle fits (its format, the engine's platform among its platforms, the
//           clone's commit), loads the images of the engine's platform, puts the Bun binaries where the image build looks (.cache/bun), installs
//           the npm packages from the bundle's cache (npm ci --offline), and records the images it loaded
//           (.state/images/loaded.json), so that a stack run takes them as built (scripts/lib/loaded-images.ts)
//           rather than building them again, which would need the network. Nothing is downloaded.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const USAGE = 'usage: npm run workshop -- bundle FILE [--stack NAME]... [--platform linux/amd64|linux/arm64]... | load FILE';
const FORMAT = 2;
const PLATFORMS = ['linux/amd64', 'linux/arm64'];

class Refusal extends Error {}

/** The user's path: npm runs scripts from the repository's root, and says where the user was in INIT_CWD. */
const userPath = (file) => resolve(process.env.INIT_CWD || process.cwd(), file);

const out = (cmd, args, what) => {
  try {
    return execFileSync(cmd, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (e) {
    throw new Refusal(
      `${what}: ${String(e.stderr || e.message)
        .trim()
        .split('\n')
        .at(-1)}`,
    );
  }
};

/** Streams FILE's member `images` (one platform's `docker save`) into `docker load`, without writing it out. */
function loadImages(file, images) {
  return new Promise((ok, fail) => {
    const tar = spawn('tar', ['-xOf', file, images], { stdio: ['ignore', 'pipe', 'inherit'] });
    const load = spawn('docker', ['load'], { stdio: ['pipe', 'inherit', 'inherit'] });
    tar.stdout.pipe(load.stdin);
    let left = 2;
    const done = (what) => (code) => {
      if (code !== 0) fail(new Refusal(`${what} failed (exit ${code})`));
      else if (--left === 0) ok();
    };
    tar.on('close', done(`reading ${images} from ${file}`));
    load.on('close', done('docker load'));
  });
}

async function load(file) {
  if (!existsSync(file)) throw new Refusal(`load: ${file} does not exist`);
  let manifest;
  try {
    manifest = JSON.parse(execFileSync('tar', ['-xOf', file, 'manifest.json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
  } catch {
    throw new Refusal(`load: ${file} is not a sidecar-lab bundle (no manifest.json in it): make one with npm run workshop -- bundle FILE`);
  }
  if (manifest.format !== FORMAT)
    throw new Refusal(`load: ${file} is a bundle of format ${manifest.format}; this clone reads format ${FORMAT}: make it again here`);
  const arch = out('docker', ['version', '--format', '{{.Server.Arch}}'], 'load: no Docker engine answers (npm run doctor says why)');
  const part = manifest.platforms?.[`linux/${arch}`];
  if (!part)
    throw new Refusal(
      `load: ${file} holds images for ${Object.keys(manifest.platforms ?? {}).join(' and ') || 'no platform'}, and this engine runs linux/${arch}: make the bundle with --platform linux/${arch}`,
    );
  const head = out('git', ['rev-parse', 'HEAD'], 'load: this is not a git clone');
  if (head !== manifest.revision)
    throw new Refusal(
      `load: ${file} holds the images of commit ${manifest.revision.slice(0, 12)}, and this clone is at ${head.slice(0, 12)}: git checkout ${manifest.revision.slice(0, 12)} first`,
    );

  const unpacked = join(ROOT, '.cache', 'room');
  rmSync(unpacked, { recursive: true, force: true });
  mkdirSync(unpacked, { recursive: true });
  out('tar', ['-xf', file, '-C', unpacked, '--exclude', 'images-*.tar'], `load: unpacking ${file}`);
  const refs = Object.keys(part.images);
  console.log(`• loading ${refs.length} image(s) for linux/${arch}`);
  await loadImages(file, part.file);
  const ids = out('docker', ['image', 'inspect', '--format', '{{.Id}}', ...refs], 'load: an image is missing after docker load').split(
    '\n',
  );
  const wrong = refs.filter((r, i) => ids[i] !== part.images[r]);
  if (wrong.length) throw new Refusal(`load: after docker load, ${wrong.join(', ')} has another id than the bundle says`);
  if (existsSync(join(unpacked, 'bun'))) cpSync(join(unpacked, 'bun'), join(ROOT, '.cache', 'bun'), { recursive: true });

  console.log('• installing the npm packages from the bundle (npm ci --offline)');
  const npm = spawnSync('npm', ['ci', '--offline', '--cache', join(unpacked, 'npm-cache'), '--no-audit', '--no-fund'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (npm.status !== 0) throw new Refusal(`load: npm ci --offline from the bundle's cache failed (exit ${npm.status})`);

  mkdirSync(join(ROOT, '.state', 'images'), { recursive: true });
  const record = { revision: manifest.revision, images: part.images, bundle: basename(file), loaded: new Date().toISOString() };
  writeFileSync(join(ROOT, '.state', 'images', 'loaded.json'), `${JSON.stringify(record, null, 2)}\n`);
  console.log(
    `loaded ${refs.length} image(s) and the npm packages from ${basename(file)}; nothing was downloaded.\n` +
      `  next: npm run doctor -- --room, then npm run stack:https (later npm ci: add --offline --cache ${join('.cache', 'room', 'npm-cache')})`,
  );
}

function bundle(args) {
  const build = spawnSync('npm', ['run', '-s', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) return build.status ?? 1;
  const r = spawnSync(process.execPath, [join(ROOT, 'dist', 'scripts', 'workshop-bundle.js'), ...args], { cwd: ROOT, stdio: 'inherit' });
  return r.status ?? 1;
}

try {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      stack: { type: 'string', multiple: true, default: [] },
      platform: { type: 'string', multiple: true, default: [] },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [verb, file, ...extra] = positionals;
  if (values.help) console.log(USAGE);
  else if (!['bundle', 'load'].includes(verb ?? '') || !file || extra.length)
    throw new Refusal(`give bundle FILE or load FILE, not ${JSON.stringify(positionals.join(' '))}\n${USAGE}`);
  else if (verb === 'load' && (values.stack.length || values.platform.length))
    throw new Refusal(
      `load: --${values.stack.length ? 'stack' : 'platform'} is for bundle (load takes the images of its engine's platform)`,
    );
  else if (verb === 'load') await load(userPath(file));
  else {
    const odd = values.platform.find((p) => !PLATFORMS.includes(p));
    if (odd) throw new Refusal(`bundle: --platform ${odd}: give ${PLATFORMS.join(' or ')} (each one named is built; none named, both)`);
    process.exitCode = bundle([
      userPath(file),
      ...values.stack.flatMap((s) => ['--stack', s]),
      ...values.platform.flatMap((p) => ['--platform', p]),
    ]);
  }
} catch (e) {
  if (!(e instanceof Refusal) && !(e instanceof TypeError && e.code?.startsWith('ERR_PARSE_ARGS'))) throw e;
  console.error(`workshop: ${e.message}`);
  process.exitCode = 2;
}
