// The chunked body of a client request (RFC 9112 §7.1), read strictly and sent on re-framed: each
// chunk's data goes to the app in a chunk of its own size, chunk extensions and trailer fields are
// dropped, and anything that is not exactly the grammar ends the request with a 400. CRLF only.
import { HttpError } from '../http.js';
import { tooLarge } from './forwarded.js';

const MAX_LINE = 4096;
const SIZE_LINE = /^([0-9A-Fa-f]{1,15})(?:[ \t]*;[\x09\x20-\x7e\x80-\xff]*)?$/;
const FIELD_LINE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+:[^\x00-\x08\x0a-\x1f\x7f]*$/;
const CRLF = Buffer.from('\r\n');
const LAST = Buffer.from('0\r\n\r\n');

type State = 'size' | 'data' | 'data-crlf' | 'trailers' | 'done';

const bad = (what: string) => new HttpError(400, `bad request: ${what} in the chunked body`, { connection: 'close' });

export class ChunkedReader {
  private state: State = 'size';
  private remaining = 0;
  private line: Buffer | undefined;
  /** Data bytes of the chunks so far. */
  private total = 0;

  /** max: the most data bytes the body may have (a safe integer); a chunk that would pass it is refused with a 413 before any of its data is sent. */
  constructor(private readonly max = Number.MAX_SAFE_INTEGER) {}

  /** True once the last chunk and the trailer section have been read. */
  get done(): boolean {
    return this.state === 'done';
  }

  /**
   * Reads body bytes; out gets what to send the app. Returns how many bytes of data were consumed (the
   * rest belongs to the next request). Throws HttpError(400) for bytes that break the grammar.
   */
  push(data: Buffer, out: (b: Buffer) => void): number {
    let i = 0;
    while (i < data.length && this.state !== 'done') {
      if (this.state === 'data') {
        const n = Math.min(this.remaining, data.length - i);
        out(data.subarray(i, i + n));
        i += n;
        this.remaining -= n;
        if (this.remaining === 0) {
          out(CRLF);
          this.state = 'data-crlf';
        }
        continue;
      }
      const lf = data.indexOf(0x0a, i);
      const piece = data.subarray(i, lf < 0 ? data.length : lf + 1);
      const text = this.line ? Buffer.concat([this.line, piece]) : piece;
      if (text.length > MAX_LINE) throw bad('a line over 4 KiB');
      i += piece.length;
      if (lf < 0) {
        this.line = text;
        continue;
      }
      this.line = undefined;
      if (text.length < 2 || text[text.length - 2] !== 0x0d) throw bad('a line that does not end in CRLF');
      this.lineDone(text.toString('latin1', 0, text.length - 2), out);
    }
    return i;
  }

  private lineDone(text: string, out: (b: Buffer) => void): void {
    if (this.state === 'data-crlf') {
      if (text !== '') throw bad('chunk data longer than its size');
      this.state = 'size';
    } else if (this.state === 'size') {
      const size = SIZE_LINE.exec(text)?.[1];
      if (size === undefined) throw bad('an invalid chunk size line');
      // Compared exactly: up to 15 hex digits is past 2^53, where a floating-point count would round.
      if (BigInt(`0x${size}`) > BigInt(this.max - this.total)) throw tooLarge(this.max);
      this.remaining = parseInt(size, 16);
      this.total += this.remaining;
      if (this.remaining === 0) this.state = 'trailers';
      else {
        out(Buffer.from(`${size}\r\n`, 'latin1'));
        this.state = 'data';
      }
    } else if (text === '') {
      out(LAST);
      this.state = 'done';
    } else if (!FIELD_LINE.test(text)) {
      throw bad('a malformed trailer field');
    }
  }
}
