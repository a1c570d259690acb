// Splits a streamed HTTP body into the JSON objects it carries. etcd's gateway writes one object per
// line, but nothing promises where chunks end, so this scans braces (outside strings) instead of
// trusting newlines: an object split across chunks, or two objects in one chunk, both come out whole.
export class JsonObjectStream {
  private buf = '';
  private pos = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private start = -1;
  private readonly decoder = new TextDecoder('utf-8', { fatal: false });

  /** Feeds one chunk; returns the objects it completed, in order. Throws on text that is not JSON objects. */
  push(chunk: Uint8Array | string): unknown[] {
    this.buf += typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    const out: unknown[] = [];
    for (; this.pos < this.buf.length; this.pos++) {
      const c = this.buf[this.pos]!;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === '\\') this.escaped = true;
        else if (c === '"') this.inString = false;
        continue;
      }
      if (this.depth === 0) {
        if (c === '{') {
          this.start = this.pos;
          this.depth = 1;
        } else if (!/\s/.test(c)) throw new Error(`unexpected ${JSON.stringify(c)} between JSON objects in the stream`);
        continue;
      }
      if (c === '"') this.inString = true;
      else if (c === '{' || c === '[') this.depth++;
      else if (c === '}' || c === ']') {
        if (--this.depth === 0) {
          out.push(JSON.parse(this.buf.slice(this.start, this.pos + 1)));
          this.buf = this.buf.slice(this.pos + 1);
          this.pos = -1;
          this.start = -1;
        }
      }
    }
    return out;
  }

  /** Bytes of an object that has begun but not ended (0 between objects). */
  get pending(): number {
    return this.depth > 0 ? this.buf.length - this.start : 0;
  }
}
