// Cuts the bytes of one file into records. A record is a contiguous byte range of the file: one line, or
// with a start pattern, a first line and the lines after it that do not match (a stack trace). Its end is
// the offset just past its last newline: what the registry may move to once the record is acknowledged.
// Bytes after the last newline wait for the rest of their line; a line longer than maxRecordBytes is cut
// into pieces (at a UTF-8 character boundary), each a record. With `bytes`, a record keeps a view of the
// bytes it was framed from (a Slice) and decodes its text only when asked: the shipper writes its message
// from those bytes.

export interface Record {
  /** Offset of its first byte in the file, and just past its last. */
  start: number;
  end: number;
  /** The text, without its final newline (a multi-line record keeps the newlines between its lines). */
  text: string;
}

/** A record framed with `bytes`: its text is chunk[at, to), decoded when asked. The chunk is the buffer it
 * was read into, shared with the records around it. Once the record's message is written, release() lets
 * the chunk go back to its pool (when every record of it is written): the text is empty from then on. */
export class Slice implements Record {
  /** Set by the file it was read from (tracked.ts), here so that every Slice has one shape. */
  fp = '';
  from: unknown = undefined;
  /** Counts the records of a pooled chunk still to be written (tracked.ts). */
  lease: { release(): void } | undefined = undefined;

  constructor(
    readonly start: number,
    readonly end: number,
    public chunk: Buffer,
    public at: number,
    public to: number,
  ) {}

  get text(): string {
    return this.chunk.toString('utf8', this.at, this.to);
  }

  release(): void {
    this.lease?.release();
    this.lease = undefined;
    this.chunk = EMPTY;
    this.at = this.to = 0;
  }
}

const EMPTY = Buffer.alloc(0);

export interface FramerOptions {
  maxRecordBytes: number;
  /** Matches the first line of a record; unset: every line is a record. */
  start?: RegExp;
  /** Records are Slices of the bytes pushed, which must then never be written again. */
  bytes?: boolean;
}

/** The largest cut <= at that does not split a UTF-8 character. */
function charBoundary(buf: Buffer, from: number, at: number): number {
  let i = at;
  while (i > from && (buf[i]! & 0xc0) === 0x80) i--;
  return i > from ? i : at;
}

export class Framer {
  /** Bytes not yet in a record (a pending multi-line record, then a partial line), from carryStart. */
  private carry: Buffer = Buffer.alloc(0);
  private carryStart = 0;
  /** A multi-line record still open: its end in the file (its start is carryStart). */
  private pendingEnd = -1;
  /** When the pending record last grew (ms). */
  private pendingAt = 0;

  constructor(private readonly o: FramerOptions) {}

  /** Where the next chunk must start: the offset just past the bytes fed so far. */
  get offset(): number {
    return this.carryStart + this.carry.length;
  }

  /** Bytes held that are not yet in a record. */
  get held(): number {
    return this.carry.length;
  }

  /** Forgets everything held and starts again at offset (a truncated file, read from 0). */
  reset(offset: number): void {
    this.carry = Buffer.alloc(0);
    this.carryStart = offset;
    this.pendingEnd = -1;
  }

  /** Where the text of buf[s, e) ends: before a final newline (and a CR before it). */
  private textEnd(buf: Buffer, s: number, e: number): number {
    let end = e;
    if (end > s && buf[end - 1] === 0x0a) end--;
    if (end > s && buf[end - 1] === 0x0d) end--;
    return end;
  }

  private text(buf: Buffer, s: number, e: number): string {
    return buf.toString('utf8', s, this.textEnd(buf, s, e));
  }

  private record(buf: Buffer, start: number, s: number, e: number): Record {
    if (this.o.bytes) return new Slice(start, start + e - s, buf, s, this.textEnd(buf, s, e));
    return { start, end: start + e - s, text: this.text(buf, s, e) };
  }

  /** Feeds the bytes read at this.offset and appends the records they complete to out; returns the
   * number of lines the chunk completed. */
  push(chunk: Buffer, out: Record[], now = Date.now()): number {
    return this.frame(this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk, out, now);
  }

  /** Copies the bytes held into the start of buf: a reader then reads at this.offset into buf after them,
   * and gives the whole to pushHeld, which spares a copy of what was read. */
  copyHeld(buf: Buffer): void {
    this.carry.copy(buf, 0);
  }

  /** As push, for a buffer that starts with the bytes held (copyHeld) and goes on with those read. */
  pushHeld(buf: Buffer, out: Record[], now = Date.now()): number {
    return this.frame(buf, out, now);
  }

  private frame(buf: Buffer, out: Record[], now: number): number {
    const base = this.carryStart;
    const max = this.o.maxRecordBytes;
    const pend = () => (this.pendingEnd < 0 ? -1 : this.pendingEnd - base);
    let pos = this.pendingEnd < 0 ? 0 : this.pendingEnd - base; // first byte not yet in a line
    let recStart = 0; // first byte not yet emitted
    let lines = 0;
    const emit = (s: number, e: number) => {
      out.push(this.record(buf, base + s, s, e));
      recStart = e;
    };
    for (;;) {
      const nl = buf.indexOf(0x0a, pos);
      const lineEnd = nl < 0 ? -1 : nl + 1;
      if (lineEnd >= 0) lines++;
      if (lineEnd < 0) {
        // A partial line: cut it when it is already too long for one record (the byte after the cut must
        // be there, to see whether the cut splits a character).
        while (buf.length - pos > max) {
          if (pend() >= 0) {
            emit(recStart, pend());
            this.pendingEnd = -1;
          }
          const cut = charBoundary(buf, pos, pos + max);
          emit(pos, cut);
          pos = cut;
        }
        break;
      }
      if (lineEnd - pos > max) {
        // A long line: flush what is pending, then the line in pieces.
        if (pend() >= 0) {
          emit(recStart, pend());
          this.pendingEnd = -1;
        }
        while (lineEnd - pos > max) {
          const cut = charBoundary(buf, pos, pos + max);
          emit(pos, cut);
          pos = cut;
        }
        emit(pos, lineEnd);
        pos = lineEnd;
        continue;
      }
      if (!this.o.start) {
        emit(pos, lineEnd);
        pos = lineEnd;
        continue;
      }
      const p = pend();
      const first = p < 0 || this.o.start.test(this.text(buf, pos, lineEnd)) || lineEnd - recStart > max;
      if (first && p >= 0) emit(recStart, p);
      this.pendingEnd = base + lineEnd;
      this.pendingAt = now;
      pos = lineEnd;
    }
    this.carryStart = base + recStart;
    this.carry = Buffer.from(buf.subarray(recStart));
    return lines;
  }

  /** Emits an open multi-line record that has not grown for timeoutMs (or at once with timeoutMs 0). */
  flush(out: Record[], timeoutMs: number, now = Date.now()): void {
    if (this.pendingEnd < 0 || now - this.pendingAt < timeoutMs) return;
    const n = this.pendingEnd - this.carryStart;
    out.push(this.record(this.carry, this.carryStart, 0, n));
    this.carry = Buffer.from(this.carry.subarray(n));
    this.carryStart = this.pendingEnd;
    this.pendingEnd = -1;
  }
}
