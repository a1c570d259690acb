// The upstream side of a session's exchange: each try on the route's next connection under its one timer
// (the per-try timeout, or what is left of the overall one if that comes first), the app's response framed
// back to the client, and a try that failed before its response head tried again or answered, as the route
// says. The client side (reading requests, the connection's own timers, closing) is http-session.ts.
import type { Conn } from '../conn.js';
import type { Exchange, SessionContext } from './exchange.js';
import { clientHead, ownAnswer } from './response-head.js';
import type { TryOutcome } from './route.js';
import type { UpstreamConnection } from './upstream.js';

const CRLF = Buffer.from('\r\n');
const LAST_CHUNK = Buffer.from('0\r\n\r\n');

/** What the tries need from the client's side of the session. */
export interface ClientSide {
  /** The client's connection is closed (after its last answer, or cut). */
  closed(): boolean;
  /** The request in flight is read to its end. */
  requestRead(): boolean;
  /** Answers a request that cannot be sent (an HttpError's status, else 500), and closes. */
  refuse(e: unknown): void;
  /** Closes after the last answer, if any. */
  close(answer?: string): void;
  /** Ends the connection: cut, or closed. */
  end(cut: boolean): void;
  /** The response went to the client in full and its connection to the app is back in the pool, or closed. */
  finished(ex: Exchange): void;
}

/** Tells the route once how the exchange ended. */
export function over(ex: Exchange, status: number, conn: UpstreamConnection | undefined): void {
  if (ex.over) return;
  ex.over = true;
  clearTimeout(ex.tryTimer);
  ex.route.done(status, conn);
}

export class Tries {
  constructor(
    private readonly socket: Conn,
    private readonly c: SessionContext,
    private readonly client: ClientSide,
  ) {}

  /** The request is read to its end: its timeouts start now (as Envoy's: a slow upload is not a slow app). */
  startClock(ex: Exchange): void {
    if (ex.clockStarted || ex.answered || ex.over) return;
    ex.clockStarted = true;
    if (ex.route.timeoutMs) ex.deadlineAt = Date.now() + ex.route.timeoutMs;
    this.armTry(ex);
  }

  /** Sends the request on the route's next connection; a route with none refuses it. */
  attempt(ex: Exchange): void {
    let conn: UpstreamConnection;
    try {
      conn = ex.conn = ex.route.connect();
    } catch (e) {
      ex.conn = undefined;
      this.client.refuse(e);
      return;
    }
    if (ex.clockStarted) this.armTry(ex); // a retry: the clock runs already
    conn.start(ex.method, {
      head: (h) => {
        // A try the route discards (a 503 it retries): this connection is dropped with its body.
        if (ex.route.retry({ status: h.status, reused: conn.reused })) return this.again(ex, conn);
        clearTimeout(ex.tryTimer);
        // The response began before the whole request was read: the rest cannot follow on this connection.
        if (!this.client.requestRead()) ex.close = true;
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
        if (this.client.closed()) return;
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
        if (done) {
          over(ex, ex.status, conn);
          if (this.client.requestRead()) conn.release();
          else conn.destroy();
          return this.client.finished(ex);
        }
        // The client is slow: stop reading from the app until it has taken what was written (the session's 'drain').
        if (!ok) conn.socket.pause();
      },
      error: (err, started) => {
        if (!started && !ex.answered) return this.failed(ex, conn, { err, reused: conn.reused });
        this.c.upstreamErrors.inc();
        this.c.log.warn('upstream error', { err, upstream: this.c.defaultHost, path: ex.path });
        over(ex, 0, conn);
        this.client.end(true);
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
    clearTimeout(ex.tryTimer);
    conn.destroy();
    this.c.upstreamErrors.inc();
    this.c.log.warn('upstream error', { err: o.err, timedOut: o.timedOut, upstream: this.c.defaultHost, path: ex.path });
    if (this.client.closed()) {
      over(ex, 0, conn);
      return;
    }
    const { status, text } = ex.route.failure(o);
    over(ex, status, conn);
    this.client.close(ownAnswer(status, text, ex.method));
  }

  /** Drops this try's connection and sends the request again (only requests without a body are retried). */
  private again(ex: Exchange, conn: UpstreamConnection): void {
    clearTimeout(ex.tryTimer);
    conn.destroy();
    if (!this.client.closed()) this.attempt(ex);
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
}
