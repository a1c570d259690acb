// What the catalogue's images weigh and hold: their size as `docker image inspect` reports it, the limits
// they are held to, and whether a package manager is left on their filesystem. `npm run bench:images`
// (scripts/bench/images.ts) writes the table into docs/benchmarks.md; a test checks the limits and the
// filesystems on the built images (scripts/lib/test/images-built.docker.test.ts).
import { $ } from 'zx';
import type { Section } from '../bench/section.js';
import { BUN_PROGRAMS } from './bundle.js';

/** The bench:images section of docs/benchmarks.md. */
export const SECTION: Section = {
  id: 'images',
  title: 'the size of every image',
  source: 'scripts/bench/images.ts',
  intro: 'Run it with `npm run bench:images` after `npm run images`: it reads the sizes of the images built.',
};

/** The table lines of a text (the lines that start with |). */
export const tableLines = (text: string) =>
  text
    .split('\n')
    .filter((l) => l.startsWith('|'))
    .join('\n');

/** The catalogue image a size belongs to, and what it is built from (images/Dockerfile). */
export interface ImageSize {
  service: string;
  image: string;
  bytes: number;
}

/** Size limits in bytes (MB = 10^6 bytes, as Docker shows them): a sidecar is Bun (107 MB) and little else. */
export const LIMITS = { sidecar: 120e6, pause: 5e6 } as const;

/** The images built as a sidecar's from a stack's Bun program (span-collector): no sidecar's limit. */
const bunPrograms: readonly string[] = BUN_PROGRAMS.map((p) => p.image);

/** What an image is built from, as the table says it. */
export function kindOf(service: string, sidecars: string[]): string {
  if (sidecars.includes(service) || bunPrograms.includes(service)) return 'scratch: Bun + its bundle';
  if (service === 'pause') return 'scratch: catatonit';
  return 'Debian, without apt/dpkg';
}

/** The limit an image is held to, or undefined when it has none. */
export function limitOf(service: string, sidecars: string[]): number | undefined {
  if (sidecars.includes(service)) return LIMITS.sidecar;
  return service === 'pause' ? LIMITS.pause : undefined;
}

const mb = (bytes: number) => (bytes >= 10e6 ? (bytes / 1e6).toFixed(0) : (bytes / 1e6).toFixed(1));

/** The markdown table of sizes, largest first within each kind (sidecars, then pause, then the Debian images). */
export function sizeTable(rows: ImageSize[], sidecars: string[]): string {
  const rank = (s: string) => (sidecars.includes(s) || bunPrograms.includes(s) ? 0 : s === 'pause' ? 1 : 2);
  const sorted = [...rows].sort((a, b) => rank(a.service) - rank(b.service) || b.bytes - a.bytes || a.service.localeCompare(b.service));
  return [
    '| image | built from | size (MB) | limit (MB) |',
    '| --- | --- | ---: | ---: |',
    ...sorted.map((r) => {
      const limit = limitOf(r.service, sidecars);
      return `| ${r.service} | ${kindOf(r.service, sidecars)} | ${mb(r.bytes)} | ${limit === undefined ? '' : mb(limit)} |`;
    }),
  ].join('\n');
}

/** An image's size in bytes (`docker image inspect`'s .Size). */
export async function imageBytes(image: string): Promise<number> {
  return Number((await $`docker image inspect --format ${'{{.Size}}'} ${image}`.quiet()).stdout.trim());
}

/** An image's label, or '' when it has none. */
export async function imageLabel(image: string, label: string): Promise<string> {
  const format = `{{index .Config.Labels ${JSON.stringify(label)}}}`;
  return (await $`docker image inspect --format ${format} ${image}`.quiet()).stdout.trim().replace(/^<no value>$/, '');
}

/** A package manager's programs (apt, apt-get, dpkg, dpkg-query...) and its state (/var/lib/dpkg, /var/lib/apt). */
const PROGRAM = /(^|\/)(apt|apt-get|apt-cache|apt-mark|dpkg|dpkg-query|dpkg-deb)$/;
const STATE = /^var\/lib\/(dpkg|apt)(\/|$)/;

/** Which entries of a `tar -t` listing (directories end in /) belong to a package manager. */
export const packageManagerEntries = (listing: string[]) => listing.filter((p) => STATE.test(p) || (!p.endsWith('/') && PROGRAM.test(p)));

/** The paths of an image's filesystem that belong to a package manager (from `docker export` of a container
 * created, never started, from it). */
export async function packageManagerFiles(image: string): Promise<string[]> {
  const id = (await $`docker create --pull never ${image}`.quiet()).stdout.trim();
  try {
    return packageManagerEntries((await $`docker export ${id} | tar -t`.quiet()).stdout.split('\n'));
  } finally {
    await $`docker rm ${id}`.quiet().nothrow();
  }
}
