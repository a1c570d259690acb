// The built images, as Docker has them: every sidecar image within its size limit, pause too, and no image
// with a package manager on its filesystem. Needs Docker; it builds every catalogue image first, through the
// one image builder (a missing image is built, never skipped), and asserts how many there are.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import { parse } from 'yaml';
import * as assert from 'uvu/assert';
import { sidecarNames } from '../bundle.js';
import { loadSpec } from '../sidecar-docs.js';
import { catalogue, imagePresent } from '../compose.js';
import { ROOT, STATE_DIR, VERSION } from '../config.js';
import { buildFor } from '../images.js';
import { $ } from 'zx';
import { imageBytes, LIMITS, limitOf, packageManagerFiles } from '../image-sizes.js';

const test = suite('the built images');
const images = await catalogue({ SIDECAR_LAB_VERSION: VERSION }).serviceImages();
const sidecars = sidecarNames();

test('every image of the catalogue is built, one for each catalogue service of compose.yaml', async () => {
  await buildFor('all');
  // The catalogue is profile `catalogue`; the CI-only runner (profile `ci`) is not built by `npm run images`.
  const file = parse(readFileSync(join(ROOT, 'compose.yaml'), 'utf8'), { merge: true }) as {
    services: Record<string, { image?: string; profiles?: string[] }>;
  };
  const declared = Object.values(file.services).filter(
    (s) => s.image?.startsWith('sidecar-lab/') && s.profiles?.includes('catalogue'),
  ).length;
  assert.is(Object.keys(images).length, declared, 'services with a sidecar-lab image in profile catalogue');
  const missing: string[] = [];
  for (const image of Object.values(images)) if (!(await imagePresent(image))) missing.push(image);
  assert.equal(missing, [], 'images Docker does not have after the build');
});

/** What buildFor printed, and the services its step said it built (none when it skipped them all). */
async function buildPrinting(...args: Parameters<typeof buildFor>): Promise<{ lines: string[]; built: string[] }> {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => void lines.push(a.join(' '));
  try {
    await buildFor(...args);
  } finally {
    console.log = log;
  }
  const step = lines.find((l) => l.startsWith('… building '));
  return { lines, built: step ? step.replace(/^… building \d+ image\(s\): /, '').split(', ') : [] };
}

test('a build from the same files builds nothing, and one image whose id changed since is built alone', async () => {
  const again = await buildPrinting('all');
  assert.equal(again.built, [], again.lines.join('\n'));
  const skipped = `• ${Object.keys(images).length} image(s) already built from these files`;
  assert.ok(
    again.lines.some((l) => l.startsWith(skipped)),
    again.lines.join('\n'),
  );
  // As if tls-proxy's image had been replaced since (by another build, or docker rmi and a pull).
  const file = join(STATE_DIR, 'images', 'stamps.json');
  const stamps = JSON.parse(readFileSync(file, 'utf8')) as Record<string, { id: string }>;
  stamps['tls-proxy']!.id = 'sha256:replaced';
  writeFileSync(file, JSON.stringify(stamps));
  const one = await buildPrinting('all');
  assert.equal(one.built, ['tls-proxy'], one.lines.join('\n'));
});

test(`every sidecar image is at most ${LIMITS.sidecar / 1e6} MB, and pause at most ${LIMITS.pause / 1e6} MB`, async () => {
  const limited = Object.keys(images).filter((s) => limitOf(s, sidecars) !== undefined);
  assert.equal(limited.sort(), [...sidecars, 'pause'].sort(), 'the images with a limit');
  for (const service of limited) {
    const bytes = await imageBytes(images[service]!);
    assert.ok(bytes <= limitOf(service, sidecars)!, `${images[service]}: ${(bytes / 1e6).toFixed(1)} MB`);
  }
});

test('no image has apt or dpkg on its filesystem (programs or state)', async () => {
  const found: string[] = [];
  const services = Object.keys(images);
  // Four exports at a time: each streams one image's filesystem through tar.
  for (let i = 0; i < services.length; i += 4) {
    const batch = services.slice(i, i + 4);
    const files = await Promise.all(batch.map((s) => packageManagerFiles(images[s]!)));
    batch.forEach((s, j) => found.push(...files[j]!.map((f) => `${s}: /${f}`)));
  }
  assert.equal(found, []);
});

/** The JavaScriptCore options a Bun of `image` runs with, as it dumps them (name=value), with `env` added to the container's environment. */
async function jscOptions(image: string, env: Record<string, string>): Promise<string> {
  const vars = Object.entries({ BUN_JSC_dumpOptions: '1', ...env }).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
  const r = await $`docker run --pull never --rm --network none --entrypoint bun ${vars} ${image} -e 0`.quiet();
  return r.stderr;
}

test('an image runs Bun with the runtime settings its sidecar declares, and the container’s environment takes their place', async () => {
  const declaring = [];
  for (const name of sidecars) {
    const spec = await loadSpec(name);
    const env = Object.entries(spec.runtime?.env ?? {});
    if (!env.length) continue;
    declaring.push(name);
    const image = images[name]!;
    const as = await jscOptions(image, {});
    for (const [k, v] of env)
      assert.match(as, new RegExp(`^ +${k.replace(/^BUN_JSC_/, '')}=${v.replace(/\./g, '\\.')} \\(default: `, 'm'), `${image}: ${as}`);
    // Another value of the same kind for each: a size doubled, a ratio or factor a quarter.
    const other = Object.fromEntries(env.map(([k, v]) => [k, /^\d+$/.test(v) ? String(2 * Number(v)) : '0.25']));
    const replaced = await jscOptions(image, other);
    for (const [k, v] of Object.entries(other))
      assert.match(
        replaced,
        new RegExp(`^ +${k.replace(/^BUN_JSC_/, '')}=${v.replace(/\./g, '\\.')} \\(default: `, 'm'),
        `${image}: ${replaced}`,
      );
  }
  assert.equal(declaring.sort(), ['mesh-proxy', 'tls-proxy']);
});

/** The stages of a Dockerfile that descend from `root` (FROM root, or FROM one of those). */
function stagesFrom(dockerfile: string, root: string): Set<string> {
  const parents = [...dockerfile.matchAll(/^FROM (\S+) AS (\S+)$/gm)].map((m) => [m[1]!, m[2]!] as const);
  const found = new Set([root]);
  for (const [parent, stage] of parents) if (found.has(parent)) found.add(stage);
  found.delete(root);
  return found;
}

const layers = async (ref: string) =>
  JSON.parse((await $`docker image inspect --format ${'{{json .RootFS.Layers}}'} ${ref}`.quiet()).stdout) as string[];

test('every Debian-based image starts with one and the same layer, the os stage, which the engine stores once', async () => {
  const derived = stagesFrom(readFileSync(join(ROOT, 'images', 'Dockerfile'), 'utf8'), 'os');
  const file = parse(readFileSync(join(ROOT, 'compose.yaml'), 'utf8'), { merge: true }) as {
    services: Record<string, { build?: { target?: string }; profiles?: string[] }>;
  };
  const debian = Object.keys(images).filter((s) => derived.has(file.services[s]?.build?.target ?? ''));
  assert.ok(debian.length >= 10, `Debian-based images: ${debian.join(', ')}`);
  const first = new Map<string, string[]>();
  for (const s of debian) {
    const layer = (await layers(images[s]!))[0]!;
    first.set(layer, [...(first.get(layer) ?? []), s]);
  }
  assert.is(first.size, 1, `first layers: ${[...first.values()].map((l) => l.join(' ')).join(' | ')}`);
});

test.run();
