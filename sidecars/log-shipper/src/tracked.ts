// One file being tailed, known by its fingerprint: its open handle, where reading is, and its framer.
import type { FileHandle } from 'node:fs/promises';
import { BufferPool } from './batch-buffer.js';
import { Framer, type FramerOptions, type Record, type Slice } from './framer.js';

/** A record with what it came from: the file's fingerprint (its id is fp:start) and the file. */
export interface Shipped extends Record {
  fp: string;
  from: Tracked;
}

let order = 0;

/** The first read of a file, and the smallest after a read that found little. */
const MIN_READ = 16 * 1024;
/** The largest read. */
export const MAX_READ = 256 * 1024;

/** The buffers reads go into, shared by every file: a buffer comes back when the last record read into it
 * is written into a batch (Slice.release), so reading at full speed reuses a few buffers rather than
 * leaving one to the garbage collector per read. It keeps at most 10 (about 3.2 MiB at the default
 * --max-record-bytes), enough for the records the shipper lets the reader read ahead at the default batch
 * bounds (two batches, 2 MiB) still waiting to be written; the read loop drops them when a burst is over
 * (releaseReadBuffers). */
const chunks = new BufferPool(10);

/** Drops the read buffers kept for the next reads (the pump does, once reading and shipping are idle). */
export const releaseReadBuffers = (): void => void chunks.clear();

/** Bytes of the read buffers kept for the next reads. */
export const pooledReadBytes = (): number => chunks.bytes;

/** The records of one pooled buffer still to be written: at 0 it goes back to the pool. */
class Lease {
  constructor(
    private readonly buf: Buffer,
    private refs: number,
  ) {}

  release(): void {
    if (--this.refs === 0) chunks.give(this.buf);
  }
}

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
  /** The size of the buffers reads go into: the largest read, and room for the most bytes a framer holds
   * (a multi-line record of maxRecordBytes still open, and a partial line as long). */
  private readonly chunkBytes: number;
  /** How many bytes the next read asks for: doubles while reads fill their buffer, shrinks when they do not. */
  private want = MIN_READ;

  constructor(
    readonly fp: string,
    public dev: number,
    public ino: number,
    /** The name it was read under: a record's file label. */
    public name: string,
    offset: number,
    framing: FramerOptions,
  ) {
    this.framer = new Framer({ ...framing, bytes: true });
    this.chunkBytes = MAX_READ + 2 * framing.maxRecordBytes;
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

  /** Reads up to max bytes at the reading position and frames them; returns the bytes read. The bytes
   * held (a partial line) and those read go into a pooled buffer, which the records read keep a view of
   * (no record is copied) until they are written into a batch. A buffer that a read filled less than half
   * is copied to one of its size at once, so that a few bytes do not hold a large buffer. */
  async read(max: number, out: Shipped[], lines: { n: number }): Promise<number> {
    if (!this.fh) return 0;
    const held = this.framer.held;
    const buf = chunks.take(this.chunkBytes);
    const want = Math.min(max, this.want, buf.length - held);
    this.framer.copyHeld(buf);
    const { bytesRead } = await this.fh.read(buf, held, want, this.position);
    this.want = Math.max(MIN_READ, bytesRead === want ? Math.min(2 * want, MAX_READ) : bytesRead);
    if (!bytesRead) {
      chunks.give(buf);
      return 0;
    }
    const filled = held + bytesRead;
    const small = filled < buf.length / 2;
    const chunk = small ? Buffer.from(buf.subarray(0, filled)) : buf.subarray(0, filled);
    const recs: Record[] = [];
    lines.n += this.framer.pushHeld(chunk, recs);
    if (small || !recs.length) chunks.give(buf);
    else {
      const lease = new Lease(buf, recs.length);
      for (const r of recs) (r as Slice).lease = lease;
    }
    this.tag(recs, out);
    return bytesRead;
  }

  /** Emits an open multi-line record that has waited long enough (timeoutMs 0: at once). */
  flush(out: Shipped[], timeoutMs: number): void {
    const recs: Record[] = [];
    this.framer.flush(recs, timeoutMs);
    this.tag(recs, out);
  }

  /** Marks records as this file's and appends them to out. */
  private tag(recs: Record[], out: Shipped[]): void {
    for (const r of recs as Shipped[]) {
      r.fp = this.fp;
      r.from = this;
      out.push(r);
    }
  }
}
