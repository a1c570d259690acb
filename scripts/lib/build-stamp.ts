// Whether a catalogue image is already built from exactly the inputs it would be built from now, so that
// `npm run stack:<name> -- apply`, `up` and every run skip `docker compose build` for it: Docker's layer cache
// would give the same image, but asking costs seconds per image (the classic builder sends the context and walks
// every step). The inputs are the files of the build context (those images/Dockerfile.dockerignore lets
// through, matched by @balena/dockerignore, a port of Docker's own matcher), the Dockerfile, the catalogue's
// compose.yaml, the build environment and the base image's id. After a build, each image's id is written with
// that fingerprint in .state/images/stamps.json; an image is skipped only while both still hold.
import dockerignore from '@balena/dockerignore';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// A CommonJS module whose types say `export default`: Node gives module.exports, the factory, as the default.
interface Matcher {
  add(rules: string[]): Matcher;
  ignores(path: string): boolean;
}
const ignore = dockerignore as unknown as () => Matcher;

/** Files at least this big are known by size and modification time, not read (Bun, 100 MB). */
const READ_BELOW = 4 * 1024 * 1024;

/** The build context's files, relative to root with '/', sorted: what `docker build` would send. Only the
 * top-level folders that a `!` line names are walked (the file starts with `*`). */
export function contextFiles(root: string, dockerignore: string): string[] {
  const rules = dockerignore.split('\n');
  const ig = ignore().add(rules);
  const tops = [...new Set(rules.filter((l) => l.startsWith('!')).map((l) => l.slice(1).split('/')[0]!))].filter(Boolean);
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(join(root, dir), { withFileTypes: true })) {
      const rel = `${dir}/${e.name}`;
      if (e.isDirectory()) walk(rel);
      else if (!ig.ignores(rel)) out.push(rel);
    }
  };
  for (const top of tops) if (existsSync(join(root, top)) && statSync(join(root, top)).isDirectory()) walk(top);
  return out.sort();
}

/** One hash of everything an image build reads: the context's files, the Dockerfile, compose.yaml and `env`. */
export function fingerprint(root: string, env: Record<string, string>, dockerfile = 'images/Dockerfile'): string {
  const h = createHash('sha256');
  const ignoreFile = readFileSync(join(root, `${dockerfile}.dockerignore`), 'utf8');
  const add = (name: string) => {
    const path = join(root, name);
    const st = statSync(path);
    h.update(`${name}\0${st.size}\0`);
    if (st.size >= READ_BELOW) h.update(`${st.mtimeMs}\0${st.ino}\0`);
    else h.update(readFileSync(path));
  };
  for (const f of [dockerfile, `${dockerfile}.dockerignore`, 'compose.yaml', ...contextFiles(root, ignoreFile)]) add(f);
  for (const k of Object.keys(env).sort()) h.update(`${k}=${env[k]}\0`);
  return h.digest('hex');
}

export interface Stamp {
  fingerprint: string;
  id: string;
}

export class Stamps {
  private readonly file: string;
  private stamps: Record<string, Stamp>;
  constructor(stateDir: string) {
    this.file = join(stateDir, 'images', 'stamps.json');
    try {
      this.stamps = JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, Stamp>;
    } catch {
      this.stamps = {}; // none yet, or unreadable: everything is built, as without stamps
    }
  }
  /** The services whose stamp matches `fp` and whose image still has the id it was built with. */
  current(services: string[], fp: string, ids: Record<string, string | undefined>): string[] {
    return services.filter((s) => this.stamps[s]?.fingerprint === fp && ids[s] !== undefined && this.stamps[s]?.id === ids[s]);
  }
  /** Records these services as built from `fp`, with their images' ids now; written whole or not at all. */
  record(ids: Record<string, string | undefined>, fp: string): void {
    for (const [s, id] of Object.entries(ids)) {
      if (id) this.stamps[s] = { fingerprint: fp, id };
      else delete this.stamps[s];
    }
    mkdirSync(join(this.file, '..'), { recursive: true });
    const tmp = `${this.file}.${process.pid}`;
    writeFileSync(tmp, `${JSON.stringify(this.stamps, null, 2)}\n`);
    renameSync(tmp, this.file);
  }
}
