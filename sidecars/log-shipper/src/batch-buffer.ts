// The messages of one batch, written one after another into one buffer from a small pool, each message a
// view of it. The shipper gives the buffer back when the batch is acknowledged, so batch after batch
// reuses the same few buffers instead of allocating one per message.

/** Buffers given back, kept for the next batches: at most `keep`, the largest. */
export class BufferPool {
  private readonly free: Buffer[] = [];

  constructor(private readonly keep: number) {}

  /** A buffer of at least min bytes: a pooled one if one is large enough, else a new one. */
  take(min: number): Buffer {
    const i = this.free.findIndex((b) => b.length >= min);
    return i >= 0 ? this.free.splice(i, 1)[0]! : Buffer.allocUnsafeSlow(min);
  }

  /** Bytes of the buffers kept. */
  get bytes(): number {
    return this.free.reduce((n, b) => n + b.length, 0);
  }

  /** Drops every buffer kept (the next take allocates); the bytes dropped. */
  clear(): number {
    const bytes = this.bytes;
    this.free.length = 0;
    return bytes;
  }

  /** Takes a buffer back; nothing may use it afterwards. */
  give(b: Buffer): void {
    if (this.free.length < this.keep) this.free.push(b);
    else {
      const small = this.free.reduce((s, f, i) => (f.length < this.free[s]!.length ? i : s), 0);
      if (this.free[small]!.length < b.length) this.free[small] = b;
    }
  }
}

export class MessageBuffer {
  buf: Buffer;
  /** Where the next byte goes. */
  pos = 0;
  private readonly ends: number[] = [];

  constructor(
    private readonly pool: BufferPool,
    size: number,
  ) {
    this.buf = pool.take(size);
  }

  /** Makes room for n more bytes at pos; returns the buffer to write them into (it may be a new one). */
  room(n: number): Buffer {
    if (this.pos + n > this.buf.length) {
      const b = this.pool.take(Math.max(this.pos + n, 2 * this.buf.length));
      this.buf.copy(b, 0, 0, this.pos);
      this.pool.give(this.buf);
      this.buf = b;
    }
    return this.buf;
  }

  /** Writes bytes at pos. */
  put(bytes: Uint8Array): void {
    this.room(bytes.length).set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** The bytes since the last message are one message. */
  end(): void {
    this.ends.push(this.pos);
  }

  /** The messages written, each a view of the buffer. */
  messages(): Buffer[] {
    let s = 0;
    return this.ends.map((e) => {
      const m = this.buf.subarray(s, e);
      s = e;
      return m;
    });
  }
}
