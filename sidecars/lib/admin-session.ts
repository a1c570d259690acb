// One connection to the admin server: GET and HEAD requests read one after the other with the data plane's
// strict head reader, each answered in full (Content-Length) before the next is read. One deadline runs from
// a head's first byte to its end: trickled bytes do not extend it, and a head still open then gets a 408.
// Between requests the connection may idle for keepAliveMs. A request that may have a body (any
// Transfer-Encoding, a Content-Length other than one 0), an HTTP/1.0 request, one that says `Connection:
// close`, and any request once the server is stopping, is answered and the connection closed; a refusal of
// the head itself (400, 431, 501) closes it too. The answer goes out with a lingering close (linger.ts). An
// answer the client does not read stops the reading of its next requests until it drains, and the wait is
// bounded by keepAliveMs: a client that sends and never reads holds one answer's bytes, for that long. A client
// that half-closes (its FIN) gets the answers to the requests it completed, then the connection ends. A handler
// that has not answered within answerTimeoutMs gets a 503 in its place, and one log line.
import type { Conn } from './conn.js';
import { headEnd, parseHead } from './dataplane/index.js';
import { lingerClose } from './linger.js';
import type { Logger } from './log.js';
import type { HttpError } from './target.js';
import { type AdminHandler, type Answer, answerOf, head, hostRefusal, mayHaveBody, plain, refusal, saysClose } from './admin-answer.js';

export interface SessionOptions {
  log: Logger;
  handler: AdminHandler;
  headerTimeoutMs: number;
  keepAliveMs: number;
  /** An asynchronous handler's answer must come this long after the handler is called, or the client gets a 503. */
  answerTimeoutMs: number;
  /** Called with the path of a request whose answer missed answerTimeoutMs. */
  late?: (pathname: string) => void;
}

/** Bytes a client may send while its request is answered (a pipelined request), before it is cut. */
const MAX_PENDING = 64 * 1024;

export class AdminSession {
  private buf: Buffer = Buffer.alloc(0);
  private busy = false;
  private done = false;
  private timer: NodeJS.Timeout | undefined;
  /** Whether the timer is a head's deadline (else the keep-alive idle). */
  private heading = false;
  /** An answer is still queued for the client: no next request is read until it drains. */
  private blocked = false;
  /** The server is closing: the next answer is the last. */
  private stopping = false;
  /** The client half-closed: what it sent is all there is. */
  private peerGone = false;

  constructor(
    private readonly conn: Conn,
    private readonly o: SessionOptions,
  ) {
    conn.on('data', (chunk: Buffer) => this.read(chunk));
    conn.on('drain', () => this.drained());
    conn.on('end', () => this.peerEnded());
    conn.on('error', () => this.finish());
    conn.on('close', () => this.finish());
    this.idle();
  }

  /** Waiting for its next request (no head begun, none being answered). */
  get waiting(): boolean {
    return !this.busy && !this.blocked && !this.heading && !this.done;
  }

  private read(chunk: Buffer): void {
    if (this.done) return;
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    if (this.busy || this.blocked) {
      if (this.buf.length > MAX_PENDING) this.cut();
      return;
    }
    this.step();
  }

  /** Reads the next head from the buffer and answers it, if it is complete. */
  private step(): void {
    if (this.done || this.busy || this.blocked || !this.buf.length) return;
    if (!this.heading) this.arm(true);
    let end: number;
    let req: ReturnType<typeof parseHead>;
    try {
      end = headEnd(this.buf);
      if (end < 0) return;
      req = parseHead(this.buf, end);
    } catch (e) {
      this.close(refusal(e as HttpError), 'GET');
      return;
    }
    this.buf = this.buf.subarray(end);
    this.disarm();
    const bad = hostRefusal(req.rawHeaders, req.httpVersionMinor);
    if (bad) {
      this.close(refusal(bad), req.method);
      return;
    }
    const last = mayHaveBody(req.rawHeaders) || req.httpVersionMinor === 0 || saysClose(req.rawHeaders);
    this.busy = true;
    answerOf(this.o, req.method, req.target)
      .then((a) => {
        this.busy = false;
        if (this.done) return;
        if (last || this.stopping || this.peerGone) return this.close(a, req.method);
        if (this.conn.write(head(a, req.method, false))) {
          this.idle();
          this.step();
          return;
        }
        // Not taken by the socket yet: read nothing more until it is, within the keep-alive time.
        this.blocked = true;
        this.conn.pause();
        this.idle();
      })
      .catch(() => this.cut());
  }

  /** The answer queued went out: the next request may be read. */
  private drained(): void {
    if (!this.blocked || this.done) return;
    this.blocked = false;
    this.conn.resume();
    if (this.stopping) {
      this.cut();
      return;
    }
    this.idle();
    this.step();
    this.endIfGone();
  }

  /** The client's FIN: a request complete or in hand is answered, and the connection ends with its answer. */
  private peerEnded(): void {
    this.peerGone = true;
    this.step();
    this.endIfGone();
  }

  /** The client half-closed and nothing is left to answer: end this side too. */
  private endIfGone(): void {
    if (!this.peerGone || this.busy || this.blocked || this.done) return;
    this.finish();
    this.conn.end();
  }

  /** The last answer: written, then the connection lingers until the client closes or the deadline. */
  private close(a: Answer, method: string): void {
    this.finish();
    lingerClose(this.conn, head(a, method, true));
  }

  /** The server is closing: cut the connection if it waits for its next request, else make its next answer the last. */
  stop(): void {
    this.stopping = true;
    if (this.waiting) this.cut();
  }

  cut(): void {
    this.finish();
    this.conn.destroy();
  }

  private idle(): void {
    this.arm(false);
  }

  private arm(heading: boolean): void {
    clearTimeout(this.timer);
    this.heading = heading;
    const ms = heading ? this.o.headerTimeoutMs : this.o.keepAliveMs;
    this.timer = setTimeout(() => (heading ? this.timedOut() : this.cut()), ms);
  }

  private disarm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.heading = false;
  }

  private timedOut(): void {
    const ms = this.o.headerTimeoutMs;
    this.close(plain(408, `request timeout: the request head was not complete within ${ms} ms\n`), 'GET');
  }

  private finish(): void {
    this.done = true;
    this.disarm();
    this.buf = Buffer.alloc(0);
  }
}
