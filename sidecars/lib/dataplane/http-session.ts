// One client connection of L7 mode: requests are read one after the other (pipelined ones wait in the
// buffer), each head is parsed and rewritten, and its exchange run by tries.ts (the head and the body
// streamed behind it to the app, the app's response streamed back). Where each try goes, and whether a
// failed one is tried again, is the router's (route.ts). A refused request gets its status and ends the
// connection; a request that fails upstream gets the route's failure answer (or a cut, once its response
// has begun). Nothing here throws.
import type { Conn } from '../conn.js';
import { HttpError } from '../http.js';
import { type Exchange, openExchange, type SessionContext } from './exchange.js';
import { ownAnswer } from './response-head.js';
import { lingerClose, isLingering } from '../linger.js';
import { headEnd } from './request-parser.js';
import { over, Tries } from './tries.js';

const CONTINUE = 'HTTP/1.1 100 Continue\r\n\r\n';
/** Bytes of pipelined requests held while one is in flight, before reading from the client pauses. */
const MAX_BUFFERED = 64 * 1024;

export class HttpSession {
  private buf: Buffer = Buffer.alloc(0);
  private ex: Exchange | undefined;
  private closed = false;
  /** The connection closed after a complete response (not a refusal or a cut). */
  private answeredInFull = false;
  /** The one timer of the connection: idle between requests, or the deadline of a head that has begun. */
  private timer: NodeJS.Timeout | undefined;
  private timerKind: 'idle' | 'head' | undefined;
  private readonly tries: Tries;

  constructor(
    private readonly socket: Conn,
    private readonly c: SessionContext,
  ) {
    this.tries = new Tries(socket, c, {
      closed: () => this.closed,
      requestRead: () => this.requestRead(),
      refuse: (e) => this.refuse(e),
      close: (answer) => this.close(answer),
      end: (cut) => this.end(cut),
      finished: (ex) => this.finished(ex),
    });
    this.armIdle();
    socket.on('data', (chunk: Buffer) => {
      // After the last answer, what the client still sends is read and dropped (linger.ts).
      if (this.closed) return;
      this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
      this.step();
    });
    // One listener for the life of the connection: a listener added per slow write costs more than the write.
    socket.on('drain', () => this.ex?.conn?.socket.resume());
    socket.on('error', () => this.end(true));
    socket.on('close', () => this.end(true));
    socket.on('end', () => {
      // A half-close after a whole request still gets its response, on a socket that allows half-open
      // connections (the listeners here do not: a FIN is the client leaving); in the middle of one, nothing can follow.
      if (!this.ex || !this.requestRead()) this.end(true);
      else this.ex.close = true;
    });
  }

  /** Closes the connection if it waits for its next request (drain). */
  closeIfIdle(): void {
    if (!this.ex) this.end(false);
  }

  /**
   * Whether a drain waits for this connection: while a request is read or answered, or the client may
   * still send one; and after a complete response that closed it, until the client closes its side (the
   * linger deadline bounds that). Not after a refusal: a client that keeps sending then is not waited for.
   */
  get open(): boolean {
    return !this.socket.destroyed && (!isLingering(this.socket) || this.answeredInFull);
  }

  private requestRead(): boolean {
    return this.ex !== undefined && this.ex.left === 0 && (!this.ex.chunked || this.ex.chunked.done);
  }

  /** Between requests: the idle timeout, restarted by each request. */
  private armIdle(): void {
    if (this.timerKind === 'idle') {
      this.timer!.refresh();
      return;
    }
    this.setTimer('idle', this.c.idleTimeoutMs);
  }

  /** From the first byte of a head: the time to complete it, a deadline that more bytes do not extend. */
  private armHead(): void {
    if (this.timerKind !== 'head') this.setTimer('head', this.c.headerTimeoutMs);
  }

  private setTimer(kind: 'idle' | 'head' | undefined, ms = 0): void {
    clearTimeout(this.timer);
    this.timerKind = kind;
    this.timer = kind ? setTimeout(() => this.timeout(), ms) : undefined;
  }

  private timeout(): void {
    if (this.closed || this.ex) return;
    if (this.timerKind === 'head') {
      this.c.router.refused?.(408);
      this.close(ownAnswer(408, 'request timeout: the request head was not complete in time\n', 'GET'));
      return;
    }
    this.end(false);
  }

  /** Reads what can be read now: the next head, or body bytes of the request in flight. */
  private step(): void {
    while (!this.closed) {
      if (!this.ex) {
        if (!this.buf.length) {
          this.armIdle();
          return;
        }
        if (!this.startRequest()) return;
      }
      const ex = this.ex!;
      if (this.requestRead()) {
        if (this.buf.length > MAX_BUFFERED) this.socket.pause();
        return;
      }
      if (!this.buf.length) return;
      if (!this.sendBody(ex)) return;
    }
  }

  /** Parses the head in the buffer and starts its exchange; false when more bytes are needed or it was refused. */
  private startRequest(): boolean {
    let ex: Exchange;
    try {
      const end = headEnd(this.buf);
      if (end < 0) {
        this.armHead();
        return false;
      }
      // A request in flight has no session timer: the route's timeouts bound the app, and the client sets its own pace.
      this.setTimer(undefined);
      const head = this.buf.subarray(0, end);
      this.buf = this.buf.subarray(end);
      const opened = openExchange(head, this.socket.remoteAddress ?? '', this.c);
      ex = opened.ex;
      if (opened.expectContinue) this.socket.write(CONTINUE);
    } catch (e) {
      this.refuse(e);
      return false;
    }
    this.ex = ex;
    this.tries.attempt(ex);
    if (ex.conn !== undefined && this.requestRead()) this.tries.startClock(ex);
    return ex.conn !== undefined;
  }

  /** Moves body bytes from the buffer to the app; false when it must wait (for the app, or for the end). */
  private sendBody(ex: Exchange): boolean {
    const up = ex.conn!.socket;
    let ok = true;
    if (ex.chunked) {
      let used: number;
      try {
        used = ex.chunked.push(this.buf, (b) => {
          ok = up.write(b) && ok;
        });
      } catch (e) {
        ex.conn?.destroy();
        if (!ex.answered) this.refuse(e);
        else this.end(true);
        return false;
      }
      this.buf = this.buf.subarray(used);
    } else {
      const n = Math.min(ex.left, this.buf.length);
      ok = up.write(this.buf.subarray(0, n));
      ex.left -= n;
      this.buf = this.buf.subarray(n);
    }
    if (!ok) {
      this.socket.pause();
      up.once('drain', () => this.socket.resume());
    }
    if (this.requestRead()) this.tries.startClock(ex);
    return true;
  }

  /** The exchange is over (tries.ts): the next request, or the close the response said. */
  private finished(ex: Exchange): void {
    this.ex = undefined;
    if (ex.close) {
      this.answeredInFull = true;
      this.close();
      return;
    }
    this.socket.resume();
    this.step();
  }

  private refuse(e: unknown): void {
    const known = e instanceof HttpError;
    if (!known) this.c.log.error('request failed', { err: e });
    const status = known ? e.status : 500;
    // The route hears how its request ended; a request refused before it had one, the router.
    if (this.ex) over(this.ex, status, this.ex.conn);
    else this.c.router.refused?.(status);
    this.ex?.conn?.destroy();
    this.close(ownAnswer(status, `${known ? e.message : 'internal error'}\n`, 'GET', known ? e.headers : {}));
  }

  /** Ends the connection after its last answer (if any): half-closed, then cut at the linger deadline. */
  private close(answer?: string): void {
    this.closed = true;
    this.setTimer(undefined);
    this.buf = Buffer.alloc(0);
    lingerClose(this.socket, answer);
  }

  private end(cut: boolean): void {
    if (this.closed && !cut) return;
    const conn = this.ex?.conn;
    if (this.ex) over(this.ex, 0, conn);
    this.ex = undefined;
    conn?.destroy();
    if (cut) {
      this.closed = true;
      this.setTimer(undefined);
      this.socket.destroy();
    } else this.close();
  }
}
