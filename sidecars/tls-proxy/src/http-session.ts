// One client connection of L7 mode: requests are read one after the other (pipelined ones wait in the
// buffer), each head is parsed and rewritten, sent to the app with its body streamed behind it, and the
// app's response streamed back. A refused request gets its status and ends the connection; a request
// that fails upstream gets a 502 (or a cut, once its response has begun). Nothing here throws.
import type { Socket } from 'node:net';
import { HttpError, parseTarget } from '../../lib/http.js';
import { ChunkedReader } from './chunked.js';
import { requestHead } from './forwarded.js';
import type { SessionContext } from './http-proxy.js';
import { clientHead, ownAnswer, type Framing } from './response-head.js';
import { headEnd, parseHead } from './request-parser.js';
import type { UpstreamConnection } from './upstream.js';

/** Methods a proxy may send again on its own (RFC 9110 §9.2.2). */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);
const BAD_GATEWAY = 'bad gateway: the app behind this TLS proxy did not answer\n';
const CONTINUE = 'HTTP/1.1 100 Continue\r\n\r\n';
const CRLF = Buffer.from('\r\n');
const LAST_CHUNK = Buffer.from('0\r\n\r\n');
/** Bytes of pipelined requests held while one is in flight, before reading from the client pauses. */
const MAX_BUFFERED = 64 * 1024;

interface Exchange {
  method: string;
  path: string;
  t0: bigint;
  head: string;
  /** Content-Length bytes still to send, or the chunked reader, or nothing (no body). */
  left: number;
  chunked?: ChunkedReader;
  conn?: UpstreamConnection;
  /** The client asked to close, is HTTP/1.0, or its request was not read to the end. */
  close: boolean;
  http10: boolean;
  framing?: Framing;
  answered: boolean;
  status: number;
  /** The response head, written with the first body bytes. */
  pending?: Buffer;
}

export class HttpSession {
  private buf: Buffer = Buffer.alloc(0);
  private ex: Exchange | undefined;
  private closed = false;
  private timer: NodeJS.Timeout | undefined;
  private timerMs = 0;

  constructor(
    private readonly socket: Socket,
    private readonly c: SessionContext,
  ) {
    this.arm(c.idleTimeoutMs);
    socket.on('data', (chunk: Buffer) => {
      this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
      this.step();
    });
    // One listener for the life of the connection: a listener added per slow write costs more than the write.
    socket.on('drain', () => this.ex?.conn?.socket.resume());
    socket.on('error', () => this.end(true));
    socket.on('close', () => this.end(true));
    socket.on('end', () => {
      // A half-close after a whole request still gets its response; in the middle of one, nothing can follow.
      if (!this.ex || !this.requestRead()) this.end(true);
      else this.ex.close = true;
    });
  }

  /** Closes the connection if it waits for its next request (drain). */
  closeIfIdle(): void {
    if (!this.ex) this.end(false);
  }

  private requestRead(): boolean {
    return this.ex !== undefined && this.ex.left === 0 && (!this.ex.chunked || this.ex.chunked.done);
  }

  /** (Re)starts the one timer of the connection: the idle timeout, or the time left to finish a head. */
  private arm(ms: number): void {
    if (this.timer && ms === this.timerMs) {
      this.timer.refresh();
      return;
    }
    clearTimeout(this.timer);
    this.timerMs = ms;
    this.timer = setTimeout(() => this.timeout(), ms);
  }

  private timeout(): void {
    if (this.closed) return;
    if (this.ex) {
      // A request in flight: the app sets the pace, and the client its patience.
      this.timer?.refresh();
      return;
    }
    if (this.buf.length) {
      this.c.countStatus(408);
      this.socket.end(ownAnswer(408, 'request timeout: the request head was not complete in time\n', 'GET'));
      this.closed = true;
      return;
    }
    this.end(false);
  }

  /** Reads what can be read now: the next head, or body bytes of the request in flight. */
  private step(): void {
    while (!this.closed) {
      if (!this.ex) {
        if (!this.buf.length) {
          this.arm(this.c.idleTimeoutMs);
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
        this.arm(this.c.headersTimeoutMs ?? 60_000);
        return false;
      }
      const req = parseHead(this.buf, end);
      this.buf = this.buf.subarray(end);
      const target = parseTarget(req.method, req.target);
      const { head, body, length } = requestHead(req, target, this.socket.remoteAddress ?? '', this.c.listenPort, this.c.defaultHost);
      const raw = req.rawHeaders;
      // Only what requestHead does not read itself: whether the connection stays open, and Expect.
      let close = req.httpVersionMinor === 0,
        expect: string | undefined;
      for (let i = 0; i < raw.length; i += 2) {
        const name = raw[i]!.toLowerCase();
        if (name === 'connection') {
          const v = raw[i + 1]!.toLowerCase();
          if (/(?:^|,)\s*close\s*(?:,|$)/.test(v)) close = true;
          else if (req.httpVersionMinor === 0 && /(?:^|,)\s*keep-alive\s*(?:,|$)/.test(v)) close = false;
        } else if (name === 'expect') expect = raw[i + 1]!.toLowerCase();
      }
      if (expect !== undefined && expect !== '100-continue')
        throw new HttpError(417, 'expectation failed: only 100-continue is known', { connection: 'close' });
      ex = {
        method: req.method,
        path: target.path,
        t0: process.hrtime.bigint(),
        head,
        left: body === 'length' ? length : 0,
        chunked: body === 'chunked' ? new ChunkedReader() : undefined,
        close,
        http10: req.httpVersionMinor === 0,
        answered: false,
        status: 0,
      };
      if (expect !== undefined && body !== 'none') this.socket.write(CONTINUE);
    } catch (e) {
      this.refuse(e);
      return false;
    }
    this.ex = ex;
    this.attempt(ex, true);
    return true;
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
    return true;
  }

  private attempt(ex: Exchange, retry: boolean): void {
    const conn = (ex.conn = this.c.pool.acquire(!retry));
    const noBody = ex.left === 0 && !ex.chunked;
    conn.start(ex.method, {
      head: (h) => {
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
        // A kept-alive connection the app closed just as it was reused: try once more on a new one, but
        // only an idempotent request without a body (RFC 9110 §9.2.2): a POST may already have been acted on.
        if (retry && conn.reused && !started && noBody && IDEMPOTENT.has(ex.method)) return this.attempt(ex, false);
        this.c.upstreamErrors.inc();
        this.c.log.warn('upstream error', { err, upstream: this.c.defaultHost, path: ex.path });
        if (ex.answered || this.closed) return this.end(true);
        this.c.countStatus(502);
        this.closed = true;
        this.socket.end(ownAnswer(502, BAD_GATEWAY, ex.method));
      },
    });
    conn.socket.write(ex.head, 'latin1');
  }

  private finish(ex: Exchange, conn: UpstreamConnection): void {
    this.c.countStatus(ex.status);
    this.c.duration.observe(Number(process.hrtime.bigint() - ex.t0) / 1e9);
    if (this.requestRead()) this.c.pool.release(conn);
    else conn.destroy();
    this.ex = undefined;
    if (ex.close) {
      this.closed = true;
      this.socket.end();
      return;
    }
    this.socket.resume();
    this.step();
  }

  private refuse(e: unknown): void {
    const known = e instanceof HttpError;
    if (!known) this.c.log.error('request failed', { err: e });
    const status = known ? e.status : 500;
    this.c.countStatus(status);
    this.closed = true;
    this.ex?.conn?.destroy();
    this.socket.end(ownAnswer(status, `${known ? e.message : 'internal error'}\n`, 'GET', known ? e.headers : {}));
  }

  private end(cut: boolean): void {
    if (this.closed && !cut) return;
    this.closed = true;
    clearTimeout(this.timer);
    const conn = this.ex?.conn;
    this.ex = undefined;
    conn?.destroy();
    if (cut) this.socket.destroy();
    else this.socket.end();
  }
}
