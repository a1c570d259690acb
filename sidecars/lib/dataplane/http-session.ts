// One client connection of L7 mode: requests are read one after the other (pipelined ones wait in the
// buffer), each head is parsed and rewritten, sent to the app with its body streamed behind it, and the
// app's response streamed back. Where each try goes, and whether a failed one is tried again, is the
// router's (route.ts). A refused request gets its status and ends the connection; a request that fails
// upstream gets the route's failure answer (or a cut, once its response has begun). Nothing here throws.
import type { Conn } from '../conn.js';
import { HttpError } from '../http.js';
import { type Exchange, openExchange, type SessionContext } from './exchange.js';
import { clientHead, ownAnswer } from './response-head.js';
import { lingerClose, isLingering } from '../linger.js';
import { headEnd } from './request-parser.js';
import type { TryOutcome } from './route.js';
import type { UpstreamConnection } from './upstream.js';

const CONTINUE = 'HTTP/1.1 100 Continue\r\n\r\n';
const CRLF = Buffer.from('\r\n');
const LAST_CHUNK = Buffer.from('0\r\n\r\n');
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

  constructor(
    private readonly socket: Conn,
    private readonly c: SessionContext,
  ) {
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
    this.attempt(ex);
    if (ex.conn !== undefined && this.requestRead()) this.startClock(ex);
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
    if (this.requestRead()) this.startClock(ex);
    return true;
  }

  /** The request is read to its end: its timeouts start now (as Envoy's: a slow upload is not a slow app). */
  private startClock(ex: Exchange): void {
    if (ex.clockStarted || ex.answered || ex.over) return;
    ex.clockStarted = true;
    if (ex.route.timeoutMs) ex.deadlineAt = Date.now() + ex.route.timeoutMs;
    this.armTry(ex);
  }

  /** Sends the request on the route's next connection; a route with none refuses it. */
  private attempt(ex: Exchange): void {
    let conn: UpstreamConnection;
    try {
      conn = ex.conn = ex.route.connect();
    } catch (e) {
      ex.conn = undefined;
      this.refuse(e);
      return;
    }
    if (ex.clockStarted) this.armTry(ex); // a retry: the clock runs already
    conn.start(ex.method, {
      head: (h) => {
        // A try the route discards (a 503 it retries): this connection is dropped with its body.
        if (ex.route.retry({ status: h.status, reused: conn.reused })) return this.again(ex, conn);
        this.stopTimers(ex);
        // The response began before the whole request was read: the rest cannot follow on this connection.
        if (!this.requestRead()) ex.close = true;
        const r = clientHead(h, {
          method: ex.method,
          http10: ex.http10,
          close: ex.close || this.c.draining(),
          hsts: this.c.hsts,
          keepAliveSeconds: Math.floor(this.c.idleTimeoutMs / 1000),
        });
        ex.framing = r.framing;
        ex.close = r.close;
        ex.answered = true;
        ex.status = h.status;
        // Sent with the body bytes of the same read from the app, in one write (one TLS record).
        ex.pending = Buffer.from(r.head, 'latin1');
      },
      data: (chunks, done) => {
        if (this.closed) return;
        const out: Buffer[] = [];
        if (ex.pending) out.push(ex.pending);
        ex.pending = undefined;
        for (const chunk of chunks) {
          if (ex.framing === 'chunked') {
            if (chunk.length) out.push(Buffer.from(`${chunk.length.toString(16)}\r\n`, 'latin1'), chunk, CRLF);
          } else if (ex.framing !== 'none') out.push(chunk);
        }
        if (done && ex.framing === 'chunked') out.push(LAST_CHUNK);
        const ok = out.length === 0 || this.socket.write(out.length === 1 ? out[0]! : Buffer.concat(out));
        if (done) return this.finish(ex, conn);
        // The client is slow: stop reading from the app until it has taken what was written ('drain' below).
        if (!ok) conn.socket.pause();
      },
      error: (err, started) => {
        if (!started && !ex.answered) return this.failed(ex, conn, { err, reused: conn.reused });
        this.c.upstreamErrors.inc();
        this.c.log.warn('upstream error', { err, upstream: this.c.defaultHost, path: ex.path });
        this.over(ex, 0, conn);
        this.end(true);
      },
    });
    conn.socket.write(ex.head, 'latin1');
  }

  /** A try failed before its response head: tried again if the route says so, else answered. */
  private failed(ex: Exchange, conn: UpstreamConnection, o: TryOutcome, final = false): void {
    // Past the overall deadline no try follows, whatever ended this one.
    const expired = ex.deadlineAt !== undefined && Date.now() >= ex.deadlineAt;
    if (!final && !expired && ex.route.retry(o)) {
      this.again(ex, conn);
      return;
    }
    this.stopTimers(ex);
    conn.destroy();
    this.c.upstreamErrors.inc();
    this.c.log.warn('upstream error', { err: o.err, timedOut: o.timedOut, upstream: this.c.defaultHost, path: ex.path });
    if (this.closed) {
      this.over(ex, 0, conn);
      return;
    }
    const { status, text } = ex.route.failure(o);
    this.over(ex, status, conn);
    this.close(ownAnswer(status, text, ex.method));
  }

  /** Drops this try's connection and sends the request again (only requests without a body are retried). */
  private again(ex: Exchange, conn: UpstreamConnection): void {
    clearTimeout(ex.tryTimer);
    conn.destroy();
    if (!this.closed) this.attempt(ex);
  }

  /** One timer per try: the per-try timeout, or what is left of the overall one if that comes first. */
  private armTry(ex: Exchange): void {
    const perTry = ex.route.perTryTimeoutMs ?? Number.POSITIVE_INFINITY;
    const left = ex.deadlineAt === undefined ? Number.POSITIVE_INFINITY : ex.deadlineAt - Date.now();
    const ms = Math.min(perTry, left);
    ex.tryIsDeadline = left <= perTry;
    if (ms !== Number.POSITIVE_INFINITY) ex.tryTimer = setTimeout(() => this.timedOut(ex), Math.max(0, ms));
  }

  /** The try's timer went off before the response head: the per-try timeout, or the overall one. */
  private timedOut(ex: Exchange): void {
    if (ex.answered || ex.over || !ex.conn) return;
    const conn = ex.conn;
    conn.destroy();
    const overall = ex.tryIsDeadline === true;
    const o = { err: new Error(overall ? 'request timeout' : 'per-try timeout'), timedOut: true, reused: conn.reused };
    // The overall deadline is final: no try follows it.
    this.failed(ex, conn, o, overall);
  }

  private stopTimers(ex: Exchange): void {
    clearTimeout(ex.tryTimer);
  }

  /** Tells the route once how the exchange ended. */
  private over(ex: Exchange, status: number, conn: UpstreamConnection | undefined): void {
    if (ex.over) return;
    ex.over = true;
    this.stopTimers(ex);
    ex.route.done(status, conn);
  }

  private finish(ex: Exchange, conn: UpstreamConnection): void {
    this.over(ex, ex.status, conn);
    if (this.requestRead()) conn.release();
    else conn.destroy();
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
    if (this.ex) this.over(this.ex, status, this.ex.conn);
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
    if (this.ex) this.over(this.ex, 0, conn);
    this.ex = undefined;
    conn?.destroy();
    if (cut) {
      this.closed = true;
      this.setTimer(undefined);
      this.socket.destroy();
    } else this.close();
  }
}
