// `npm run workshop -- bundle FILE`: one file a workshop leader carries to the room, so that no laptop downloads
// anything: the images, built here for each platform asked for (by default linux/amd64 and linux/arm64: Intel and
// AMD laptops, and Apple silicon Macs; the engine's other one under emulation, platform.ts), the npm packages as an
// npm cache that `npm ci --offline --cache` installs from, and the Linux Bun binaries the image build takes. One
// plain tar file:
//   manifest.json        format, version, the commit the images are built from, and per platform its images file
//                        and each image's id
//   images-<arch>.tar    `docker save` of one platform's images and its base image; the Debian-based images
//                        share their first layer (images/Dockerfile's os stage), which the file holds once
//   npm-cache/           an npm cache holding every package of package-lock.json (checked by an offline install)
//   bun/                 .cache/bun/<version>/linux-<arch>/bun, each one this tree has
// scripts/workshop.mjs loads it, with nothing installed yet (no node_modules): see its header. It loads only the
// images of its engine's platform.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { $ } from 'zx';
import { catalogue } from './compose.js';
import { ROOT, VERSION } from './config.js';
import { buildFor, imageEnv } from './images.js';
import { archOf, PLATFORMS, type Platform } from './platform.js';
import { step } from './progress.js';
import { loadScenario, stackNames } from './scenarios.js';

export const BUNDLE_FORMAT = 2;

export interface PlatformImages {
  /** The member of the bundle that `docker load` reads: images-<arch>.tar. */
  file: string;
  /** Image reference -> image id, the base image among them. */
  images: Record<string, string>;
}

export interface BundleManifest {
  format: number;
  version: string;
  /** The commit every image was built from: a clone at another commit would build its own. */
  revision: string;
  created: string;
  /** The stacks the images are for, or every one. */
  stacks: string[];
  /** Each platform the bundle holds images for. */
  platforms: Partial<Record<Platform, PlatformImages>>;
}

/** The sidecar-lab images a compose file names, and those of the files its services extend (the pod's pause image). */
export function composeImages(file: string, seen = new Set<string>()): Set<string> {
  const found = new Set<string>();
  if (seen.has(file) || !existsSync(file)) return found;
  seen.add(file);
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(/image:\s*["']?(sidecar-lab\/[a-z0-9-]+):/g)) found.add(m[1]!);
  for (const m of text.matchAll(/extends:\s*\{\s*file:\s*([^,\s}]+)/g))
    for (const i of composeImages(join(file, '..', m[1]!), seen)) found.add(i);
  return found;
}

/** The catalogue services (images) a stack runs: its compose files' images and the tools its scenario names. */
export async function stackServices(stack: string, catalogueImages: Record<string, string>): Promise<string[]> {
  const dir = join(ROOT, 'stacks', stack);
  const repos = new Set<string>();
  for (const f of readdirSync(dir).filter((n) => /^compose.*\.ya?ml$/.test(n))) for (const r of composeImages(join(dir, f))) repos.add(r);
  const tools = (await loadScenario(stack)).tools ?? [];
  return Object.entries(catalogueImages)
    .filter(([service, ref]) => repos.has(ref.split(':')[0]!) || tools.includes(service))
    .map(([service]) => service)
    .sort();
}

/** Refuses a tree with uncommitted changes to tracked files: the images would not be those of its commit. */
export function cleanRevision(root = ROOT): string {
  const status = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root, encoding: 'utf8' });
  if (status.status !== 0) throw new Error(`bundle: git status failed in ${root}: a bundle is made from a clone`);
  const changed = status.stdout.split('\n').filter(Boolean);
  if (changed.length)
    throw new Error(
      `bundle: ${changed.length} tracked file(s) changed (${changed
        .slice(0, 3)
        .map((l) => l.slice(3))
        .join(', ')}): a bundle is of one commit; commit or stash them first`,
    );
  return spawnSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).stdout.trim();
}

/** An npm cache with every package of the lock file: a copy of this machine's, checked (and completed, online,
 * if it lacks something) by installing the lock file into a scratch folder from it with --offline. */
async function npmCache(to: string): Promise<void> {
  const own = (await $`npm config get cache`.quiet()).stdout.trim();
  if (existsSync(join(own, '_cacache'))) cpSync(join(own, '_cacache'), join(to, '_cacache'), { recursive: true });
  const scratch = mkdtempSync(join(tmpdir(), 'sl-npm-check-'));
  try {
    for (const f of ['package.json', 'package-lock.json']) cpSync(join(ROOT, f), join(scratch, f));
    const install = (offline: boolean) =>
      $({
        cwd: scratch,
        nothrow: true,
        quiet: true,
      })`npm ci ${offline ? ['--offline'] : []} --cache ${to} --ignore-scripts --no-audit --no-fund`;
    if ((await install(true)).exitCode === 0) return;
    const online = await install(false);
    if (online.exitCode !== 0) throw new Error(`npm ci into the bundle's cache failed: ${online.stderr.trim().split('\n').at(-1)}`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The platforms to build, in order: the engine's own last, so that the tags this tree's images share across
 * platforms are the engine's again when the bundle is made. */
export function buildOrder(wanted: Platform[], engine: string): Platform[] {
  const unique = [...new Set(wanted)];
  return [...unique.filter((p) => p !== engine), ...unique.filter((p) => p === engine)];
}

/** Builds one platform's images (SIDECAR_LAB_PLATFORM set for it, unset for the engine's own) and saves them. */
async function platformPart(p: Platform, engine: string, stacks: string[], dir: string): Promise<PlatformImages> {
  if (p === engine) {
    delete process.env.SIDECAR_LAB_PLATFORM;
    delete process.env.DOCKER_DEFAULT_PLATFORM;
  } else process.env.SIDECAR_LAB_PLATFORM = p;
  const env = await imageEnv();
  const known = await catalogue(env).serviceImages();
  const services = stacks.length
    ? [...new Set((await Promise.all(stacks.map((s) => stackServices(s, known)))).flat())]
    : Object.keys(known);
  await buildFor({ services });
  const refs = [...new Set([...services.map((s) => known[s]!), env.BASE_IMAGE!])].sort();
  const ids = (await $`docker image inspect --format ${'{{.Id}}'} ${refs}`.quiet()).stdout.trim().split('\n');
  const file = `images-${archOf(p)}.tar`;
  await step(`saving ${refs.length} image(s) for ${p}`, async () => {
    await $`docker save -o ${join(dir, file)} ${refs}`.quiet();
  });
  return { file, images: Object.fromEntries(refs.map((r, i) => [r, ids[i]!])) };
}

/** Builds what the bundle needs for each platform, then writes it to `file`; the manifest it wrote. */
export async function makeBundle(file: string, stacks: string[], platforms: Platform[] = [...PLATFORMS]): Promise<BundleManifest> {
  const unknown = stacks.filter((s) => !stackNames().includes(s));
  if (unknown.length) throw new Error(`bundle: ${unknown.join(', ')}: not a stack; choose from ${stackNames().join(', ')}`);
  const odd = platforms.filter((p) => !(PLATFORMS as readonly string[]).includes(p));
  if (odd.length) throw new Error(`bundle: --platform ${odd[0]}: give one of ${PLATFORMS.join(', ')}`);
  const engine = `linux/${(await $`docker version --format ${'{{.Server.Arch}}'}`.quiet()).stdout.trim()}`;
  const revision = cleanRevision();
  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT,
    version: VERSION,
    revision,
    created: new Date().toISOString(),
    stacks: stacks.length ? stacks : stackNames(),
    platforms: {},
  };
  const dir = mkdtempSync(join(tmpdir(), 'sl-bundle-'));
  const before = { platform: process.env.SIDECAR_LAB_PLATFORM, docker: process.env.DOCKER_DEFAULT_PLATFORM };
  try {
    for (const p of buildOrder(platforms, engine)) manifest.platforms[p] = await platformPart(p, engine, stacks, dir);
    await step('an npm cache of every package in package-lock.json', () => npmCache(join(dir, 'npm-cache')));
    rmSync(join(dir, 'npm-cache', '_logs'), { recursive: true, force: true }); // this machine's npm logs
    if (existsSync(join(ROOT, '.cache', 'bun'))) cpSync(join(ROOT, '.cache', 'bun'), join(dir, 'bun'), { recursive: true });
    writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    const parts = [
      'manifest.json',
      ...Object.values(manifest.platforms).map((p) => p.file),
      'npm-cache',
      ...(existsSync(join(dir, 'bun')) ? ['bun'] : []),
    ];
    mkdirSync(join(file, '..'), { recursive: true });
    await step(`writing ${file}`, async () => {
      await $`tar -cf ${file} -C ${dir} ${parts}`.quiet();
    });
  } finally {
    for (const [k, v] of [
      ['SIDECAR_LAB_PLATFORM', before.platform],
      ['DOCKER_DEFAULT_PLATFORM', before.docker],
    ] as const)
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    rmSync(dir, { recursive: true, force: true });
  }
  if (!platforms.includes(engine as Platform))
    console.log(`• this tree's images are now those of ${platforms.join(', ')}: a stack run here builds ${engine}'s again, from the cache`);
  const held = Object.entries(manifest.platforms).map(([p, x]) => `${Object.keys(x.images).length} images for ${p}`);
  console.log(`${file}: ${(statSync(file).size / 1e9).toFixed(2)} GB, ${held.join(' and ')}, commit ${revision.slice(0, 12)}`);
  return manifest;
}
