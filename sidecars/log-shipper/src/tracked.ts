// One file being tailed, known by its fingerprint: its open handle, where reading is, and its framer.
import type { FileHandle } from 'node:fs/promises';
import { Framer, type FramerOptions, type Record } from './framer.js';

/** A record with what it came from: the file's fingerprint (its id is fp:start) and the file. */
export interface Shipped extends Record {
  fp: string;
  from: Tracked;
}

let order = 0;

export class Tracked {
  fh: FileHandle | undefined;
  readonly framer: Framer;
  /** Reading order: files first seen earlier are read first, so a rotated file's tail goes before the new file. */
  readonly order = order++;
  /** The size at the last look, and since when reading has found nothing new (0: it found something). */
  size = 0;
  idleSince = 0;
  /** No name in the directory refers to its inode any more (renamed out of the globs, or deleted). */
  gone = false;

  constructor(
    readonly fp: string,
    public dev: number,
    public ino: number,
    /** The name it was read under: a record's file label. */
    public name: string,
    offset: number,
    framing: FramerOptions,
  ) {
    this.framer = new Framer(framing);
    this.framer.reset(offset);
  }

  get where() {
    return { dev: this.dev, ino: this.ino, path: this.name };
  }

  get position(): number {
    return this.framer.offset;
  }

  async close(): Promise<void> {
    const fh = this.fh;
    this.fh = undefined;
    await fh?.close().catch(() => {});
  }

  /** Reads up to max bytes at the reading position into buf and frames them; returns the bytes read. */
  async read(buf: Buffer, max: number, out: Shipped[], lines: { n: number }): Promise<number> {
    if (!this.fh) return 0;
    const { bytesRead } = await this.fh.read(buf, 0, Math.min(max, buf.length), this.position);
    if (!bytesRead) return 0;
    const recs: Record[] = [];
    lines.n += this.framer.push(buf.subarray(0, bytesRead), recs);
    for (const r of recs) out.push(Object.assign(r, { fp: this.fp, from: this }) as Shipped);
    return bytesRead;
  }

  /** Emits an open multi-line record that has waited long enough (timeoutMs 0: at once). */
  flush(out: Shipped[], timeoutMs: number): void {
    const recs: Record[] = [];
    this.framer.flush(recs, timeoutMs);
    for (const r of recs) out.push(Object.assign(r, { fp: this.fp, from: this }) as Shipped);
  }
}
