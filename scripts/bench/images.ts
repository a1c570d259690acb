// npm run bench:images: the size of every image in the catalogue, as `docker image inspect` reports it, of the
// images built now (`npm run images` first). Writes the bench:images section of docs/benchmarks.md, between
// its markers.
import { $ } from 'zx';
import { sidecarNames } from '../lib/bundle.js';
import { catalogue } from '../lib/compose.js';
import { imageBytes, imageLabel, LIMITS, SECTION, sizeTable, type ImageSize } from '../lib/image-sizes.js';
import { imageEnv } from '../lib/images.js';
import { BenchClock } from './conditions.js';
import { renderSection, writeSection } from './section.js';

const clock = new BenchClock();
const env = await imageEnv();
const images = await catalogue(env).serviceImages();
const rows: ImageSize[] = [];
for (const [service, image] of Object.entries(images)) rows.push({ service, image, bytes: await imageBytes(image) });
const table = sizeTable(rows, sidecarNames());
const first = Object.values(images)[0]!;
const bun = (await $`docker run --pull never --rm --entrypoint bun ${images[sidecarNames()[0]!]!} --version`.quiet()).stdout.trim();
const conditions = await clock.finish({
  versions: {
    'images built from': `commit ${(await imageLabel(first, 'org.opencontainers.image.revision')).slice(0, 12) || 'unknown'}, BASE_IMAGE ${env.BASE_IMAGE}`,
    'Bun in the sidecar images': bun,
  },
  notes: [
    `Limits: a sidecar image ≤ ${LIMITS.sidecar / 1e6} MB, pause ≤ ${LIMITS.pause / 1e6} MB; no image keeps apt or dpkg (scripts/lib/test/images-built.docker.test.ts checks both on the built images).`,
  ],
});
const lead =
  "Each image's size as `docker image inspect` reports it (.Size: its layers uncompressed, MB = 10^6 bytes). The sidecars are FROM scratch: Bun (107 MB of it), the glibc files it links, the bundle, and only the programs a sidecar runs (git-sync: git and sh; config-sync: sh). pause is a static catatonit alone. The other images are Debian's packages with the package manager removed (images/Dockerfile).";
writeSection(SECTION, renderSection({ lead, conditions, results: [table] }));
console.log(table);
