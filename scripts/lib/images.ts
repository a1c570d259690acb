// Images: resolve the base image (present, or built locally with debootstrap; never pulled), bundle
// the sidecars, and build what a stack needs from the catalogue (the root compose.yaml, every image a
// target of images/Dockerfile), labelled with the git commit it is built from.
import { $ } from 'zx';
import { BASE_IMAGE, LOCAL_BASE_IMAGE, ROOT, STATE_DIR, VERSION } from './config.js';
import { fingerprint, Stamps } from './build-stamp.js';
import { catalogue, imagePresent, Project } from './compose.js';
import { adoptable, readLoaded, trackedChanges } from './loaded-images.js';
import { archOf, chosenPlatform, foreignBase, type Platform } from './platform.js';
import { step } from './progress.js';
import { bundleSidecars } from './bundle.js';
import { type BunArch, bunArch, ensureBunBinary } from './bun-binary.js';

/** Per platform (SIDECAR_LAB_PLATFORM, '' for the engine's own), which a room bundle changes between its parts. */
const resolved = new Map<string, string>();
const platformKey = () => chosenPlatform() ?? '';

/** Fails with a pointer to the doctor when there is no Docker engine or Compose v2 to talk to. */
export async function requireDocker(): Promise<void> {
  const engine = await $`docker info --format ${'{{.ServerVersion}}'}`.quiet().nothrow().timeout('20s');
  const compose = engine.exitCode === 0 ? await $`docker compose version --short`.quiet().nothrow() : undefined;
  if (engine.exitCode !== 0 || compose?.exitCode !== 0) {
    const what = engine.exitCode !== 0 ? 'no Docker engine answers' : 'Docker Compose v2 is missing';
    throw new Error(`${what}: run 'npm run doctor' for the remedy (nothing is installed for you)`);
  }
}

/** The base every image derives from: BASE_IMAGE if Docker has it, else LOCAL_BASE_IMAGE, built here with
 * debootstrap. Nothing is pulled: to use a registry's image, pull BASE_IMAGE yourself first. */
export async function resolveBase(): Promise<string> {
  const known = resolved.get(platformKey());
  if (known) return known;
  const base = await findOrBuildBase();
  resolved.set(platformKey(), base);
  return base;
}

async function findOrBuildBase(): Promise<string> {
  await requireDocker();
  const foreign = await foreignPlatform();
  if (foreign) {
    const image = foreignBase(LOCAL_BASE_IMAGE, foreign);
    if (!(await imagePresent(image)))
      await step(`building ${image} with debootstrap for ${foreign}, under emulation (nothing is pulled)`, async () => {
        const r = await $({
          env: { ...process.env, BASE_ARCH: archOf(foreign) },
        })`bash ${ROOT}/scripts/bootstrap/base-image.sh ${image}`.nothrow();
        if (r.exitCode !== 0) throw new Error(`building ${image} for ${foreign} failed:\n${r.stdout}${r.stderr}`);
      });
    return image;
  }
  if (await imagePresent(BASE_IMAGE)) return BASE_IMAGE;
  if (!(await imagePresent(LOCAL_BASE_IMAGE))) {
    await step(`building ${LOCAL_BASE_IMAGE} with debootstrap (${BASE_IMAGE} is not present; nothing is pulled)`, async () => {
      const r = await $`bash ${ROOT}/scripts/bootstrap/base-image.sh ${LOCAL_BASE_IMAGE}`.nothrow();
      if (r.exitCode !== 0) {
        throw new Error(
          `BASE_IMAGE ${BASE_IMAGE} is not present, and building ${LOCAL_BASE_IMAGE} failed:\n${r.stdout}${r.stderr}\nRun 'npm run doctor' for the remedy.`,
        );
      }
    });
  }
  return LOCAL_BASE_IMAGE;
}

let revision: string | undefined;

/** The git commit the images are built from (their org.opencontainers.image.revision label); "unknown"
 * outside a git checkout, or without git: a build never fails for want of it. */
export async function sourceRevision(): Promise<string> {
  if (revision) return revision;
  let commit = '';
  try {
    const r = await $`git -C ${ROOT} rev-parse --verify --quiet HEAD`.quiet().nothrow().timeout('10s');
    if (r.exitCode === 0) commit = r.stdout.trim();
  } catch {
    // no git, or no shell to run it in: the label says unknown
  }
  return (revision = /^[0-9a-f]{40}$/.test(commit) ? commit : 'unknown');
}

const arches = new Map<string, BunArch>();

/** The engine's architecture (`docker version`'s Server.Arch), or SIDECAR_LAB_PLATFORM's (platform.ts): the images
 * run as that, so their Bun is built for it. */
async function engineArch(): Promise<BunArch> {
  const known = arches.get(platformKey());
  if (known) return known;
  const chosen = chosenPlatform();
  const r = chosen ? undefined : await $`docker version --format ${'{{.Server.Arch}}'}`.quiet().nothrow().timeout('20s');
  const arch = bunArch(chosen ? archOf(chosen) : r?.exitCode === 0 && r.stdout.trim() ? r.stdout.trim() : process.arch);
  arches.set(platformKey(), arch);
  return arch;
}

/** SIDECAR_LAB_PLATFORM, also given to every docker command this process runs (a tool's container, a sidecar's
 * bad-parameter case), which then asks for that platform instead of warning on stderr that the image's is not the
 * engine's. */
function platformEnv(): string | undefined {
  const chosen = chosenPlatform();
  if (chosen) process.env.DOCKER_DEFAULT_PLATFORM = chosen;
  return chosen;
}

/** SIDECAR_LAB_PLATFORM when it is not the engine's own platform. */
async function foreignPlatform(): Promise<Platform | undefined> {
  const chosen = chosenPlatform();
  if (!chosen) return undefined;
  const r = await $`docker version --format ${'{{.Server.Arch}}'}`.quiet().nothrow().timeout('20s');
  return r.exitCode === 0 && archOf(chosen) !== r.stdout.trim() ? chosen : undefined;
}

/** Environment every compose file is interpolated with. The catalogue (compose.yaml) labels each image
 * with SIDECAR_LAB_VERSION and SIDECAR_LAB_REVISION, and copies Bun into the sidecar images from
 * SIDECAR_LAB_BUN_BINARY: Linux Bun for the engine's architecture, put there first if it is not yet
 * (scripts/lib/bun-binary.ts), so that whatever builds with this environment finds it. */
export async function imageEnv(): Promise<Record<string, string>> {
  return {
    BASE_IMAGE: await resolveBase(),
    SIDECAR_LAB_VERSION: VERSION,
    SIDECAR_LAB_REVISION: await sourceRevision(),
    SIDECAR_LAB_BUN_BINARY: ensureBunBinary(await engineArch()),
    // Compose builds (and runs) every image for this platform; unset, the engine's own.
    ...(platformEnv() ? { DOCKER_DEFAULT_PLATFORM: platformEnv()! } : {}),
  };
}

/** Builds the catalogue images that a stack uses (or all of them, or the catalogue services named); cached layers
 * make a rebuild take seconds. */
export async function buildFor(stack: Project | 'all' | { services: string[] }, tools: string[] = []): Promise<void> {
  const env = await imageEnv();
  const cat = catalogue(env);
  const known = await cat.serviceImages();
  let services = Object.keys(known);
  if (stack instanceof Project) {
    const wanted = new Set(Object.values(await stack.serviceImages()));
    services = services.filter((s) => wanted.has(known[s]!) || tools.includes(s));
  } else if (stack !== 'all') services = services.filter((s) => stack.services.includes(s));
  await bundleSidecars();
  // Skipped: the images built from exactly these inputs before (build-stamp.ts). The proxy variables are not
  // inputs: they change how apt fetches, not what it installs.
  const stamps = new Stamps(STATE_DIR);
  const imageOf = (s: string) => known[s]!;
  const idsIn = (found: Record<string, string | undefined>, list: string[]) => Object.fromEntries(list.map((s) => [s, found[imageOf(s)]]));
  // One listing for the base image and the services' images: on an engine with many images, each costs most of a second.
  const found = await imageIds([env.BASE_IMAGE!, ...services.map(imageOf)]);
  const fp = fingerprint(ROOT, { ...env, BASE_IMAGE_ID: found[env.BASE_IMAGE!] ?? '' });
  const ids = idsIn(found, services);
  const current = new Set(stamps.current(services, fp, ids));
  // Loaded from a room bundle of this commit (loaded-images.ts): stamped as built, not built again.
  const loaded = adoptable(
    readLoaded(STATE_DIR),
    env.SIDECAR_LAB_REVISION!,
    Object.fromEntries(services.filter((s) => !current.has(s)).map((s) => [s, imageOf(s)])),
    ids,
    () => trackedChanges(ROOT),
  );
  if (loaded.length) {
    stamps.record(Object.fromEntries(loaded.map((s) => [s, ids[s]])), fp);
    for (const s of loaded) current.add(s);
    console.log(`• ${loaded.length} image(s) as the room bundle loaded them: ${loaded.join(', ')}`);
  }
  const stale = services.filter((s) => !current.has(s));
  if (!stale.length) {
    console.log(`• ${services.length} image(s) already built from these files: ${services.join(', ')}`);
    return;
  }
  await step(`building ${stale.length} image(s): ${stale.join(', ')}`, () => cat.build(stale));
  stamps.record(idsIn(await imageIds(stale.map(imageOf)), stale), fp);
}

/** Image reference -> its id, for those Docker has (one `docker image ls`). */
async function imageIds(refs: string[]): Promise<Record<string, string | undefined>> {
  const r = await $`docker image ls --no-trunc --format ${'{{.Repository}}:{{.Tag}}\t{{.ID}}'}`.quiet().nothrow();
  if (r.exitCode !== 0) return {};
  const all = new Map(r.stdout.split('\n').map((l) => l.split('\t') as [string, string]));
  return Object.fromEntries(refs.map((ref) => [ref, all.get(ref.includes(':') ? ref : `${ref}:latest`)]));
}

/** Builds every catalogue image (cached), then writes them all to one tar file with `docker save`, for
 * `docker load -i FILE` on a machine without a clone. Returns the images written. */
export async function saveImages(file: string): Promise<string[]> {
  await buildFor('all');
  const images = [...new Set(Object.values(await catalogue(await imageEnv()).serviceImages()))].sort();
  await step(`writing ${images.length} image(s) to ${file}`, async () => {
    const r = await $`docker save -o ${file} ${images}`.quiet().nothrow();
    if (r.exitCode !== 0) throw new Error(`docker save -o ${file} failed: ${r.stderr.trim().split('\n').at(-1)}`);
  });
  return images;
}
