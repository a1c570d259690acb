// Atomic writes into the shared directory: a reader in the pod sees the old file or the new one,
// never a mix. rename: temp file in the same directory, fsync, rename over. symlink: the way
// Kubernetes updates a ConfigMap volume: a new ..<time> directory, a ..data symlink swapped to it by
// rename, and the file itself a link into ..data (tools that watch for that swap see it happen).
import {
  closeSync,
  existsSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { ParamError } from '../../lib/parse.js';

export interface Writer {
  /** The path the app reads. */
  readonly path: string;
  /** The file's content now, or undefined when there is none; a ParamError naming --file when it cannot be read. */
  read(): Buffer | undefined;
  write(content: Buffer): void;
}

let seq = 0;
const unique = () => `${process.pid}.${Date.now()}.${seq++}`;

/** Writes a whole file and flushes it to the disk before returning. */
function writeDurably(path: string, content: Buffer): void {
  const fd = openSync(path, 'wx', 0o644);
  try {
    for (let off = 0; off < content.length; ) off += writeSync(fd, content, off, content.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } catch {
    /* some file systems cannot sync a directory */
  } finally {
    closeSync(fd);
  }
}

function readIfThere(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new ParamError('file', `${path} cannot be read (${code})`);
  }
}

/**
 * The file's path must not be a directory (or a link to one): checked at start, and before each write,
 * since anyone who shares the directory can make it one. The error names --file.
 */
function notADirectory(path: string): void {
  let isDir = false;
  try {
    isDir = statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
  } catch {
    /* unreadable or a link loop: the read or write says so itself */
  }
  if (isDir) throw new ParamError('file', `${path} is a directory, not a file`);
}

/** Removes leftovers of a write that a crash interrupted (our own temp names only). */
function sweep(dir: string, isOurs: (name: string) => boolean): void {
  for (const name of readdirSync(dir)) if (isOurs(name)) rmSync(join(dir, name), { recursive: true, force: true });
}

export function renameWriter(dir: string, file: string): Writer {
  const path = join(dir, file);
  const prefix = `.${file}.`;
  notADirectory(path);
  sweep(dir, (n) => n.startsWith(prefix) && n.endsWith('.tmp'));
  return {
    path,
    read: () => readIfThere(path),
    write(content) {
      notADirectory(path);
      const tmp = join(dir, `${prefix}${unique()}.tmp`);
      try {
        writeDurably(tmp, content);
        renameSync(tmp, path);
      } catch (e) {
        rmSync(tmp, { force: true });
        throw e;
      }
      syncDir(dir);
    },
  };
}

/** Replaces (or creates) a symlink atomically: a new link under a temp name, renamed over the old. */
function swapLink(dir: string, name: string, target: string): void {
  const tmp = join(dir, `${name}_tmp`);
  rmSync(tmp, { force: true });
  symlinkSync(target, tmp);
  renameSync(tmp, join(dir, name));
}

export function symlinkWriter(dir: string, file: string): Writer {
  const path = join(dir, file);
  const data = join(dir, '..data');
  const current = () => (existsSync(data) ? readlinkSync(data) : undefined);
  notADirectory(path);
  // Timestamped directories other than the live one are leftovers.
  sweep(dir, (n) => (/^\.\.\d/.test(n) && n !== current()) || n === '..data_tmp' || n === `${file}_tmp`);
  return {
    path,
    read: () => readIfThere(path),
    write(content) {
      notADirectory(path);
      const old = current();
      const stamp = `..${new Date().toISOString().replace(/[-:]/g, '').replace('.', '_')}.${unique()}`;
      mkdirSync(join(dir, stamp), { mode: 0o755 });
      try {
        writeDurably(join(dir, stamp, file), content);
        syncDir(join(dir, stamp));
        swapLink(dir, '..data', stamp);
      } catch (e) {
        rmSync(join(dir, stamp), { recursive: true, force: true });
        throw e;
      }
      const link = lstatSync(path, { throwIfNoEntry: false });
      if (!link?.isSymbolicLink() || readlinkSync(path) !== join('..data', file)) swapLink(dir, file, join('..data', file));
      syncDir(dir);
      if (old && old !== stamp) rmSync(join(dir, old), { recursive: true, force: true });
    },
  };
}

export function makeWriter(mode: 'rename' | 'symlink', dir: string, file: string): Writer {
  return mode === 'symlink' ? symlinkWriter(dir, file) : renameWriter(dir, file);
}

/** For tests and probes: every entry of the directory (links shown as name -> target). */
export function listing(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .map((n) => {
      const st = lstatSync(join(dir, n));
      return st.isSymbolicLink() ? `${n} -> ${readlinkSync(join(dir, n))}` : n;
    });
}
