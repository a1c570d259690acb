// L7 mode's reader of the app's HTTP/1.1 responses. The app is the trusted process in the same pod
// (client requests are read by request-parser.ts, never here); this parser is still strict: a
// response it cannot frame exactly is an error, so a connection is only reused when the previous
// response is known to have ended where it ended.
export interface ResponseHead {
  status: number;
  reason: string /** Flat [name, value, name, value, ...] as received. */;
  headers: string[];
}

export interface ResponseHandlers {
  head(h: ResponseHead): void;
  body(chunk: Buffer): void;
  /** The response is complete; keepAlive says whether the connection may carry another request. */
  end(keepAlive: boolean): void;
}

export class ResponseError extends Error {
  override name = 'ResponseError';
}

const MAX_HEAD = 64 * 1024;
const MAX_LINE = 4096;
/** name: value, where name is a token and the value holds no CR, LF or NUL (an obs-fold line has no name). */
const HEADER_LINE = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+):[ \t]*([^\r\n\0]*?)[ \t]*$/;
const STATUS_LINE = /^HTTP\/1\.([01]) (\d{3})(?: ([^\r\n]*))?$/;
const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');

type State = 'idle' | 'head' | 'length' | 'chunk-size' | 'chunk-data' | 'chunk-crlf' | 'trailers' | 'close' | 'done';

export class ResponseParser {
  private state: State = 'idle';
  private buf: Buffer | undefined;
  private remaining = 0;
  private keepAlive = false;
  private noBody = false;

  constructor(private readonly on: ResponseHandlers) {}

  /** Expects the response to a request with this method (HEAD responses have no body). */
  begin(method: string): void {
    if (this.state !== 'idle' && this.state !== 'done') throw new ResponseError(`a response is still being read (${this.state})`);
    this.state = 'head';
    this.noBody = method === 'HEAD';
    this.buf = undefined;
  }

  get complete(): boolean {
    return this.state === 'done';
  }
  get started(): boolean {
    return this.state !== 'idle' && this.state !== 'head';
  }

  /** Feeds bytes from the app. Throws ResponseError on anything that cannot be framed, including bytes past the end. */
  push(chunk: Buffer): void {
    let data = this.buf ? Buffer.concat([this.buf, chunk]) : chunk;
    this.buf = undefined;
    while (data.length > 0) {
      switch (this.state) {
        case 'head':
        case 'chunk-size':
        case 'chunk-crlf':
        case 'trailers': {
          // Text up to a terminator: the whole head, or one line of the chunked framing.
          const head = this.state === 'head';
          const end = data.indexOf(head ? HEAD_END : CRLF);
          // The limit is on the text before the terminator, wherever the bytes were split: without a
          // terminator yet, the last bytes may be its start (up to 3 of CR LF CR LF, 1 of CR LF).
          const before = end >= 0 ? end : data.length - (head ? 3 : 1);
          if (before > (head ? MAX_HEAD : MAX_LINE))
            throw new ResponseError(head ? 'response head larger than 64 KiB' : 'chunk line longer than 4 KiB');
          if (end < 0) {
            this.buf = data;
            return;
          }
          const text = data.toString('latin1', 0, end);
          data = data.subarray(end + (head ? 4 : 2));
          if (head) this.head(text);
          else this.line(text);
          break;
        }
        case 'length':
        case 'chunk-data': {
          const n = Math.min(this.remaining, data.length);
          this.remaining -= n;
          this.on.body(data.subarray(0, n));
          data = data.subarray(n);
          if (this.remaining > 0) break;
          if (this.state === 'length') this.finish();
          else this.state = 'chunk-crlf';
          break;
        }
        case 'close':
          this.on.body(data);
          return;
        default:
          throw new ResponseError(
            `${data.length} unexpected bytes from the app ${this.state === 'done' ? 'after the end of its response' : 'with no request open'}`,
          );
      }
    }
  }

  /** The app closed its side: ends a body delimited by the close, and is an error anywhere else. */
  closed(): void {
    if (this.state === 'close') {
      this.state = 'done';
      this.on.end(false);
    } else if (this.state !== 'done' && this.state !== 'idle') {
      throw new ResponseError(`the app closed the connection before the end of its response (${this.state})`);
    }
  }

  private head(text: string): void {
    const lines = text.split('\r\n');
    const m = STATUS_LINE.exec(lines[0]!);
    if (!m) throw new ResponseError(`not an HTTP/1.x status line: ${JSON.stringify(lines[0]!.slice(0, 80))}`);
    const headers: string[] = [];
    // The headers that frame the message, as lower-case comma-separated tokens.
    const conn: string[] = [],
      te: string[] = [],
      cl: string[] = [];
    for (let i = 1; i < lines.length; i++) {
      const h = HEADER_LINE.exec(lines[i]!);
      if (!h) throw new ResponseError(`malformed header line: ${JSON.stringify(lines[i]!.slice(0, 80))}`);
      const [, name, value] = h as unknown as [string, string, string];
      headers.push(name, value);
      const lower = name.toLowerCase();
      const list = lower === 'connection' ? conn : lower === 'content-length' ? cl : lower === 'transfer-encoding' ? te : undefined;
      if (list) for (const t of value.split(',')) list.push(t.trim().toLowerCase());
    }
    const status = Number(m[2]);
    if (status === 101) throw new ResponseError('the app switched protocols (101): upgrades are not proxied');
    if (status < 200) return; // 100 Continue, 102, 103: informational, the final response follows
    const version11 = m[1] === '1';
    this.keepAlive = version11 ? !conn.includes('close') : conn.includes('keep-alive');
    this.on.head({ status, reason: m[3] ?? '', headers });
    if (this.noBody || status === 204 || status === 304) {
      this.finish();
      return;
    }
    if (te.length > 0) {
      // RFC 9112 6.3: Transfer-Encoding overrides Content-Length, and such a message ends the connection.
      if (cl.length > 0) this.keepAlive = false;
      if (te[te.length - 1] === 'chunked') this.state = 'chunk-size';
      else {
        this.state = 'close';
        this.keepAlive = false;
      }
    } else if (cl.length > 0) {
      if (!cl.every((v) => /^\d{1,15}$/.test(v) && v === cl[0])) throw new ResponseError(`invalid Content-Length: ${cl.join(', ')}`);
      this.remaining = Number(cl[0]);
      if (this.remaining === 0) this.finish();
      else this.state = 'length';
    } else {
      this.state = 'close';
      this.keepAlive = false;
    }
  }

  private line(text: string): void {
    if (this.state === 'chunk-crlf') {
      if (text !== '') throw new ResponseError('chunk data longer than its size');
      this.state = 'chunk-size';
    } else if (this.state === 'chunk-size') {
      const size = /^([0-9a-fA-F]{1,13})[ \t]*(?:;.*)?$/.exec(text)?.[1];
      if (size === undefined) throw new ResponseError(`invalid chunk size line: ${JSON.stringify(text.slice(0, 40))}`);
      this.remaining = parseInt(size, 16);
      this.state = this.remaining === 0 ? 'trailers' : 'chunk-data';
    } else if (text === '') {
      this.finish(); // the empty line after the (dropped) trailers
    }
  }

  private finish(): void {
    this.state = 'done';
    this.on.end(this.keepAlive);
  }
}
