// Finds and follows the files of the shared directory. Each scan lists the directory and decides, per
// file, what it is (identity.ts): a new file (read from 0, or from the registry's offset when its
// fingerprint is known), the same file under a new name (rename rotation: read on), a copy of a file
// that was then truncated (copytruncate: the copy is read on from where the original stopped), or a
// truncated file (read from 0 once it has a first line again). A rotated file is read to its end first.
import type { Stats } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../lib/log.js';
import type { FramerOptions } from './framer.js';
import { fingerprintFd, type Opened, openFile } from './identity.js';
import type { Registry } from './registry.js';
import { MAX_READ, type Shipped, Tracked } from './tracked.js';

export interface TailerOptions {
  dir: string;
  /** Whether a name of the directory is followed (--include, --exclude, never the registry's own files). */
  wanted: (name: string) => boolean;
  framing: FramerOptions;
  closeIdleMs: number;
  log: Logger;
  /** Counts rotations seen, by kind. */
  onRotation?: (kind: 'rename' | 'copytruncate' | 'truncate', name: string) => void;
}

export class Tailer {
  /** Followed files by fingerprint. */
  readonly files = new Map<string, Tracked>();
  readonly lines = { n: 0 };
  /** Names that could not be opened (no permission, an I/O error): each warned about once, while it lasts. */
  private readonly refused = new Set<string>();

  constructor(
    private readonly o: TailerOptions,
    private readonly registry: Registry,
  ) {}

  /** The followed files by dev:ino. */
  private byInode(): Map<string, Tracked> {
    return new Map([...this.files.values()].map((t) => [`${t.dev}:${t.ino}`, t]));
  }

  async scan(): Promise<void> {
    const names = (await readdir(this.o.dir)).filter(this.o.wanted).sort();
    for (const n of this.refused) if (!names.includes(n)) this.refused.delete(n);
    const stats = new Map<string, Stats>();
    const byInode = new Map<string, string>();
    for (const n of names) {
      // lstat: a link is not a file of the directory, wherever it points (openFile refuses it too).
      const st = await lstat(join(this.o.dir, n)).catch(() => undefined);
      if (!st?.isFile()) continue;
      stats.set(n, st);
      byInode.set(`${st.dev}:${st.ino}`, n);
    }
    // 1. What happened to the files already open: renamed, gone, truncated.
    for (const t of [...this.files.values()].filter((f) => f.fh)) {
      const name = byInode.get(`${t.dev}:${t.ino}`);
      if (name && name !== t.name) this.o.onRotation?.('rename', t.name);
      if (name) t.name = name;
      t.gone = !name;
      const st = await t.fh!.stat();
      const rewritten = st.size >= t.position && st.size > 0 && (await fingerprintFd(t.fh!)) !== t.fp;
      if (st.size < t.position || rewritten) await this.truncated(t);
      else t.size = st.size;
    }
    // 2. Files not open: new ones, and known ones closed while idle that have grown (or shrunk) since.
    const known = this.byInode();
    for (const [n, st] of stats) {
      const k = known.get(`${st.dev}:${st.ino}`);
      if (k && (k.fh || st.size === k.position)) continue;
      const f = await this.open(n);
      if (!f) continue;
      if (!(await this.adopt(f, n))) await f.fh.close();
    }
    for (const t of this.files.values()) if (!t.gone) this.registry.touch(t.fp, t.where);
  }

  /** Opens a name of the directory; undefined when it is no regular file, or cannot be opened: one file
   * the sidecar may not read must not stop the others (a warning says which, once). */
  private async open(name: string): Promise<Opened | undefined> {
    try {
      const f = await openFile(join(this.o.dir, name));
      this.refused.delete(name);
      return f;
    } catch (e) {
      if (!this.refused.has(name)) this.o.log.warn('cannot open a file of the directory; skipping it', { file: name, err: e });
      this.refused.add(name);
      return undefined;
    }
  }

  /** Takes an opened file on, as a new or known file; false when it is not to be read (yet). */
  private async adopt(f: Opened, name: string): Promise<boolean> {
    if (!f.fp) return false; // no complete first line yet
    const t = this.files.get(f.fp);
    if (t?.fh) return false; // a copy of a file that is still there: it is read when the original is truncated
    if (t) {
      // A known file (closed while idle) under this name, or its copy: read on where reading stopped.
      Object.assign(t, { fh: f.fh, dev: f.dev, ino: f.ino, name, gone: false, idleSince: 0, size: f.size });
      return true;
    }
    const e = this.registry.entries.get(f.fp);
    const offset = e && e.offset <= f.size ? e.offset : 0;
    const nt = new Tracked(f.fp, f.dev, f.ino, name, offset, this.o.framing);
    Object.assign(nt, { fh: f.fh, size: f.size });
    this.files.set(f.fp, nt);
    this.registry.touch(f.fp, nt.where);
    this.o.log.info('following file', { file: name, fingerprint: f.fp, offset, resumed: !!e });
    return true;
  }

  /** The file under t was truncated. A copy with its fingerprint is read on in its place; otherwise what
   * was past the reading position is gone, and the truncated file becomes a new file when it has a first line. */
  private async truncated(t: Tracked): Promise<void> {
    await t.close();
    // The directory is listed again: the copy may have been made after this scan listed it.
    const names = (await readdir(this.o.dir)).filter(this.o.wanted).sort();
    for (const n of names) {
      const f = await this.open(n);
      if (!f) continue;
      if (f.fp === t.fp && !(f.dev === t.dev && f.ino === t.ino)) {
        this.o.log.info('file truncated; reading on from its copy', { file: t.name, copy: n, offset: t.position });
        this.o.onRotation?.('copytruncate', t.name);
        Object.assign(t, { fh: f.fh, dev: f.dev, ino: f.ino, name: n, gone: false, size: f.size, idleSince: 0 });
        return;
      }
      await f.fh.close();
    }
    this.o.log.warn('file truncated with no copy; reading it from 0 as a new file', { file: t.name, lostAfter: t.position });
    this.o.onRotation?.('truncate', t.name);
    t.gone = true;
    this.files.delete(t.fp);
  }

  /** Reads new bytes, oldest files first, up to budget bytes; returns how many were read. */
  async read(budget: number, out: Shipped[], now = Date.now()): Promise<number> {
    let total = 0;
    for (const t of [...this.files.values()].sort((a, b) => a.order - b.order)) {
      if (!t.fh) continue;
      let got = 0;
      while (total < budget) {
        const n = await t.read(Math.min(MAX_READ, budget - total), out, this.lines);
        if (!n) break;
        got += n;
        total += n;
      }
      if (got) t.idleSince = 0;
      else if (!t.idleSince) t.idleSince = now;
      else if (now - t.idleSince >= this.o.closeIdleMs) await this.retire(t);
    }
    return total;
  }

  /** Closes a file read to its end and idle (its framer keeps a partial line for when it grows). A file
   * that is gone is dropped (its registry entry stays until forgotten); a partial last line of it is lost. */
  private async retire(t: Tracked): Promise<void> {
    await t.close();
    if (!t.gone) return;
    this.files.delete(t.fp);
    if (t.framer.held)
      this.o.log.warn('rotated file ends without a newline; its last bytes are not sent', { file: t.name, bytes: t.framer.held });
  }

  /** Emits multi-line records that have waited timeoutMs (0: all, at drain). */
  flush(out: Shipped[], timeoutMs: number): void {
    for (const t of this.files.values()) t.flush(out, timeoutMs);
  }

  /** Bytes read and not yet in a record, over all files. */
  get held(): number {
    let n = 0;
    for (const t of this.files.values()) n += t.framer.held;
    return n;
  }

  async closeAll(): Promise<void> {
    for (const t of this.files.values()) await t.close();
  }
}
