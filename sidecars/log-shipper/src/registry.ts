// The registry: per file fingerprint, the offset up to which the receiver has acknowledged every record,
// with the inode and path it was last seen at. It lives in the shared directory, so it outlives the
// sidecar, and it is only ever replaced whole: written to a temp file, fsynced, renamed over the old one.
// It moves only after an acknowledgement (see shipper.ts), never when a line is merely read.
import { constants } from 'node:fs';
import { type FileHandle, open, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';

export interface Entry {
  offset: number;
  dev: number;
  ino: number;
  path: string;
  /** When a file with this fingerprint was last seen (ms since the epoch). */
  seen: number;
}

interface Stored {
  version: 1;
  files: Record<string, Entry>;
}

const isEntry = (e: unknown): e is Entry => {
  const o = e as Entry;
  return (
    typeof o === 'object' &&
    o !== null &&
    [o.offset, o.dev, o.ino, o.seen].every((n) => Number.isSafeInteger(n) && n >= 0) &&
    typeof o.path === 'string'
  );
};

/** Parses a registry file's text; throws with the reason when it is not one. */
export function parseRegistry(text: string): Map<string, Entry> {
  const data = JSON.parse(text) as Stored;
  if (data?.version !== 1 || typeof data.files !== 'object' || data.files === null) throw new Error('not a version 1 registry');
  const out = new Map<string, Entry>();
  for (const [fp, e] of Object.entries(data.files)) {
    if (!/^[0-9a-f]{16}$/.test(fp) || !isEntry(e)) throw new Error(`bad entry ${JSON.stringify(fp).slice(0, 40)}`);
    out.set(fp, { offset: e.offset, dev: e.dev, ino: e.ino, path: e.path, seen: e.seen });
  }
  return out;
}

export class Registry {
  readonly entries = new Map<string, Entry>();
  private writing: Promise<void> | undefined;
  private dirty = false;
  /** When the registry on disk was last replaced (ms since the epoch; 0: never in this process). */
  savedAt = 0;

  constructor(
    readonly dir: string,
    readonly file: string,
  ) {}

  get path() {
    return join(this.dir, this.file);
  }

  /** Loads the registry. A missing file is an empty registry. A corrupt one is kept aside (as .corrupt)
   * and the shipper starts over from offset 0: records are sent again, which their ids make harmless. */
  async load(): Promise<{ loaded: number; corrupt?: string }> {
    let fh: FileHandle;
    try {
      // Never through a link: the directory is the app's, and so is whatever it plants under this name.
      fh = await open(this.path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return { loaded: 0 };
      if (code === 'ELOOP') throw new Error(`${this.path} is not a regular file (a link)`);
      throw e;
    }
    let text: string;
    try {
      const st = await fh.stat();
      if (!st.isFile()) throw new Error(`${this.path} is not a regular file${st.isDirectory() ? ' (a directory)' : ''}`);
      text = await fh.readFile('utf8');
    } finally {
      await fh.close();
    }
    try {
      for (const [fp, e] of parseRegistry(text)) this.entries.set(fp, e);
      return { loaded: this.entries.size };
    } catch (e) {
      await rename(this.path, `${this.path}.corrupt`);
      return { loaded: 0, corrupt: (e as Error).message };
    }
  }

  /** Records an acknowledged offset; the write to disk follows (coalesced: one write at a time, the newest state wins). */
  ack(fp: string, offset: number, where: Pick<Entry, 'dev' | 'ino' | 'path'>): void {
    const e = this.entries.get(fp);
    if (e && e.offset >= offset) return;
    this.entries.set(fp, { offset, ...where, seen: Date.now() });
    this.dirty = true;
  }

  /** Marks an entry as seen now (a file with this fingerprint is still there), creating it at offset 0. */
  touch(fp: string, where: Pick<Entry, 'dev' | 'ino' | 'path'>): Entry {
    let e = this.entries.get(fp);
    if (!e) this.entries.set(fp, (e = { offset: 0, ...where, seen: Date.now() }));
    else Object.assign(e, where, { seen: Date.now() });
    return e;
  }

  /** Drops entries not seen for longerThanMs (their files are gone), returning how many. */
  forget(longerThanMs: number, now = Date.now()): number {
    let n = 0;
    for (const [fp, e] of this.entries)
      if (now - e.seen > longerThanMs) {
        this.entries.delete(fp);
        n++;
        this.dirty = true;
      }
    return n;
  }

  /** Writes the registry if it changed; resolves when what was dirty at the call is on disk. */
  async save(): Promise<void> {
    while (this.writing) await this.writing;
    if (!this.dirty) return;
    this.dirty = false;
    this.writing = this.write().finally(() => {
      this.writing = undefined;
    });
    try {
      await this.writing;
    } catch (e) {
      this.dirty = true;
      throw e;
    }
  }

  private async write(): Promise<void> {
    const data: Stored = { version: 1, files: Object.fromEntries(this.entries) };
    const tmp = `${this.path}.tmp`;
    // A fresh file, never an existing one: whatever is at the temp name (a link the app planted) goes first.
    await unlink(tmp).catch(() => {});
    const fh = await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
    try {
      await fh.writeFile(JSON.stringify(data));
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, this.path);
    const d = await open(this.dir, 'r');
    await d.sync().finally(() => d.close());
    this.savedAt = Date.now();
  }
}
