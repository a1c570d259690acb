// The incremental FrameParser of RELP frames from the server: reads untrusted bytes in any chunking (a
// frame's data may be a view into the chunk it arrived in) and refuses anything off the grammar of
// relp-frame.ts, or a DATALEN over its limit, with a RelpError, which every later push throws again.
import { DEFAULT_MAX_DATA, type Frame, LF, RelpError, SP } from './relp-frame.js';

const TXNR = 0;
const CMD = 1;
const LEN = 2;
const DATA = 3;
const TRAILER = 4;
const EMPTY = Buffer.alloc(0);
const RSP = 'rsp';
/** What follows the TXNR of a positive ack, as rsyslog writes every one: "rsp 6 200 OK". */
const ACK_TAIL = Buffer.from(' rsp 6 200 OK\n', 'latin1');
/** The frame an ack is. */
export const ACK_DATA = Buffer.from('200 OK', 'latin1');

const shown = (c: number) => (c >= 0x21 && c < 0x7f ? `'${String.fromCharCode(c)}'` : `0x${c.toString(16).padStart(2, '0')}`);

/** Incremental parser of server frames. After it has thrown once, it throws the same error on every push. */
export class FrameParser {
  private state = TXNR;
  private count = 0; // digits or letters of the current field
  private txnr = 0;
  private readonly cmd = Buffer.alloc(32);
  private cmdLen = 0;
  private len = 0;
  private parts: Buffer[] = [];
  private got = 0;
  private data: Buffer = EMPTY;
  private failed: RelpError | undefined;

  constructor(private readonly maxData = DEFAULT_MAX_DATA) {}

  push(chunk: Uint8Array): Frame[] {
    const out: Frame[] = [];
    this.each(chunk, (f) => out.push(f));
    return out;
  }

  /**
   * Hands each frame of the chunk to onFrame, in order, as it is read. With onAck, a positive ack whole in
   * the chunk ("TXNR rsp 6 200 OK") goes to onAck(txnr) instead, with no object made for it: the same
   * frame as { txnr, command: 'rsp', data: ACK_DATA }. What a callback throws ends the parser as bad bytes do.
   */
  each(chunk: Uint8Array, onFrame: (f: Frame) => void, onAck?: (txnr: number) => void): void {
    if (this.failed) throw this.failed;
    try {
      this.scan(chunk, onFrame, onAck);
    } catch (e) {
      this.failed = e instanceof RelpError ? e : new RelpError(`RELP parser: ${(e as Error).message}`);
      throw this.failed;
    }
  }

  /** The end of an ack whole at b[i] (TXNR, then ACK_TAIL), or -1; its TXNR in this.txnr. */
  private ackAt(b: Uint8Array, i: number): number {
    let j = i;
    let t = 0;
    for (; j < b.length && j - i < 9 && b[j]! >= 48 && b[j]! <= 57; j++) t = t * 10 + b[j]! - 48;
    if (j === i || j + ACK_TAIL.length > b.length) return -1;
    for (let k = 0; k < ACK_TAIL.length; k++) if (b[j + k] !== ACK_TAIL[k]) return -1;
    this.txnr = t;
    return j + ACK_TAIL.length;
  }

  private scan(b: Uint8Array, out: (f: Frame) => void, onAck: ((txnr: number) => void) | undefined): void {
    const n = b.length;
    let i = 0;
    while (i < n) {
      if (onAck && this.state === TXNR && this.count === 0) {
        const end = this.ackAt(b, i);
        if (end >= 0) {
          const t = this.txnr;
          this.txnr = 0;
          onAck(t);
          i = end;
          continue;
        }
      }
      if (this.state === DATA) {
        const take = Math.min(this.len - this.got, n - i);
        const view = Buffer.from(b.buffer, b.byteOffset + i, take);
        if (this.got === 0 && take === this.len) this.data = view;
        else this.parts.push(Buffer.from(view));
        this.got += take;
        i += take;
        if (this.got === this.len) {
          if (this.parts.length) this.data = Buffer.concat(this.parts, this.len);
          this.parts = [];
          this.state = TRAILER;
        }
        continue;
      }
      const c = b[i++]!;
      const digit = c >= 48 && c <= 57;
      switch (this.state) {
        case TXNR:
          if (digit) {
            if (++this.count > 9) bad('TXNR longer than 9 digits');
            this.txnr = this.txnr * 10 + c - 48;
          } else if (c === SP && this.count) this.next(CMD);
          else bad(`${shown(c)} where a TXNR digit belongs`);
          break;
        case CMD:
          if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) {
            if (this.count === 32) bad('COMMAND longer than 32 letters');
            this.cmd[this.count++] = c;
          } else if (c === SP && this.count) {
            this.cmdLen = this.count;
            this.next(LEN);
          } else bad(`${shown(c)} where a COMMAND letter belongs`);
          break;
        case LEN:
          if (digit) {
            if (++this.count > 9) bad('DATALEN longer than 9 digits');
            this.len = this.len * 10 + c - 48;
            if (this.len > this.maxData) bad(`DATALEN over the ${this.maxData} bytes a server frame may have`);
          } else if (!this.count) bad(`${shown(c)} where DATALEN belongs`);
          else if (this.len === 0) {
            if (c !== LF) bad(`${shown(c)} after DATALEN 0 where the LF trailer belongs`);
            out(this.frame());
          } else if (c === SP) this.next(DATA);
          else bad(`${shown(c)} after DATALEN where SP belongs`);
          break;
        default: // TRAILER
          if (c !== LF) bad(`${shown(c)} after ${this.len} bytes of data where the LF trailer belongs`);
          out(this.frame());
      }
    }
  }

  private next(state: number): void {
    this.state = state;
    this.count = 0;
  }

  private frame(): Frame {
    const c = this.cmd;
    const command = this.cmdLen === 3 && c[0] === 114 && c[1] === 115 && c[2] === 112 ? RSP : c.toString('latin1', 0, this.cmdLen);
    const f = { txnr: this.txnr, command, data: this.data };
    this.txnr = 0;
    this.len = 0;
    this.got = 0;
    this.data = EMPTY;
    this.next(TXNR);
    return f;
  }
}

function bad(what: string): never {
  throw new RelpError(`malformed RELP frame from the server: ${what}`);
}
