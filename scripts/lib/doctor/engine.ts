// The engine as `doctor --room` sees it: the cores and memory it may use (under Docker Desktop, its VM's, not
// the laptop's), the free disk of its data root, and how many of the catalogue's images it holds.
import { join } from 'node:path';
import { VERSION } from '../config.js';
import type { Finding, Runner } from './finding.js';
import { diskFinding, GiB, type Host, MIN_CORES, MIN_MEMORY } from './host.js';
import type { OsKind } from './platform.js';
import { remedy } from './remedies.js';

/** The catalogue is about 3.7 GB; building it needs room beside it. With every image present, runs need less. */
const BUILD_DISK = 5 * GiB;
const RUN_DISK = 1 * GiB;

export interface ImageCount {
  present: number;
  total: number;
}

/** The catalogue's images (root compose.yaml, profile catalogue, at this version) and how many the engine has. */
export async function countImages(run: Runner, root: string): Promise<ImageCount | string> {
  const env = { SIDECAR_LAB_VERSION: VERSION };
  const file = join(root, 'compose.yaml');
  const listed = await run(
    ['docker', 'compose', '--project-directory', root, '-f', file, '--profile', 'catalogue', 'config', '--images'],
    env,
  );
  if (!listed.ok) return `cannot read the catalogue: ${listed.out.split('\n').pop()}`;
  const wanted = new Set(listed.out.split('\n').filter(Boolean));
  const have = await run(['docker', 'image', 'ls', '--format', '{{.Repository}}:{{.Tag}}']);
  if (!have.ok) return `cannot list the engine's images: ${have.out.split('\n').pop()}`;
  const present = new Set(have.out.split('\n'));
  return { present: [...wanted].filter((i) => present.has(i)).length, total: wanted.size };
}

export async function engineFindings(run: Runner, host: Host, os: OsKind): Promise<{ findings: Finding[]; images?: ImageCount }> {
  const info = await run(['docker', 'info', '--format', '{{.NCPU}}|{{.MemTotal}}|{{.DockerRootDir}}']);
  const [ncpu, mem, dataRoot] = info.ok ? info.out.split('|') : [];
  const cores = Number(ncpu),
    memory = Number(mem);
  const counted = await countImages(run, host.root);
  const images = typeof counted === 'string' ? undefined : counted;
  const findings: Finding[] = [
    {
      ok: cores >= MIN_CORES,
      what: 'engine cores',
      detail: info.ok ? `${cores} (needs ${MIN_CORES})` : info.out,
      remedy: remedy('cores', os),
    },
    {
      ok: memory >= MIN_MEMORY,
      what: 'engine memory',
      detail: info.ok ? `${(memory / GiB).toFixed(1)} GiB (needs 4 GiB)` : info.out,
      remedy: remedy('memory', os),
    },
    diskFinding(
      `free disk of Docker's data root (${dataRoot || 'unknown'})`,
      dataRoot ? host.freeBytes(dataRoot) : undefined,
      images && images.present === images.total ? RUN_DISK : BUILD_DISK,
      os,
    ),
    {
      ok: images !== undefined && images.present === images.total,
      what: 'catalogue images present',
      detail: images ? `${images.present} of ${images.total}` : (counted as string),
      remedy: remedy('images', os),
    },
  ];
  return { findings, images };
}
