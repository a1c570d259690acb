// The load generators' own HTTP/1.1 client side on a raw socket: one GET at a time, the response
// framed by Content-Length (every server under test sends it for /1k). Kept minimal so the client
// costs little and adds no pooling or scheduling of its own.
export const getRequest = (path: string, close = false) =>
  Buffer.from(
    `GET ${path} HTTP/1.1\r\nHost: localhost\r\nUser-Agent: sidecar-lab-bench\r\n${close ? 'Connection: close\r\n' : ''}\r\n`,
    'latin1',
  );

const HEAD_END = Buffer.from('\r\n\r\n');

export interface Framed {
  status: number;
  bytes: number;
}

/** Accumulates a response's bytes; returns the response once complete, else undefined. */
export class ResponseReader {
  private chunks: Buffer[] = [];
  private have = 0;
  private need = -1;
  private status = 0;

  push(chunk: Buffer): Framed | undefined {
    this.chunks.push(chunk);
    this.have += chunk.length;
    if (this.need < 0) {
      const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
      this.chunks = [all];
      const end = all.indexOf(HEAD_END);
      if (end < 0) return undefined;
      const head = all.toString('latin1', 0, end);
      this.status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0);
      const cl = /\r\ncontent-length:[ \t]*(\d+)/i.exec(head)?.[1];
      if (cl === undefined) throw new Error(`response without Content-Length: ${head.split('\r\n')[0]}`);
      this.need = end + 4 + Number(cl);
    }
    if (this.have < this.need) return undefined;
    if (this.have > this.need) throw new Error(`${this.have - this.need} bytes past the end of a response (nothing was pipelined)`);
    const out = { status: this.status, bytes: this.have };
    this.chunks = [];
    this.have = 0;
    this.need = -1;
    return out;
  }
}
