// L7 mode's connections to the app (or, for mesh-proxy, to a peer over mTLS): kept alive in a LIFO pool,
// one request at a time each. The request head is written as one string, and the response is framed by
// ResponseParser and reported to the exchange's ResponseSink.
import { connect } from 'node:net';
import type { Conn } from '../conn.js';
import { ResponseParser, type ResponseHead } from './response-parser.js';

/** What a connection reports one response to: its head, its body as it comes, or the failure. */
export interface ResponseSink {
  head(h: ResponseHead): void;
  /** Body bytes of one read from the app (none, when only the head came); done when the response ended with them. */
  data(chunks: Buffer[], done: boolean): void;
  /** The exchange failed; responseStarted says whether head() was already called. */
  error(err: Error, responseStarted: boolean): void;
}

export class UpstreamConnection {
  readonly socket: Conn;
  /** True when taken from the pool (it carried an earlier request). */
  reused = false;
  /** The pool it goes back to when its exchange is over. */
  home: UpstreamPool | undefined;
  private readonly parser: ResponseParser;
  private ex: ResponseSink | undefined;
  private chunks: Buffer[] = [];
  private done = false;
  private keepAlive = false;
  private headSeen = false;
  /** The head came in the current read: data() is called even without body bytes, so it can be sent. */
  private headNow = false;
  private dead = false;

  /** dial opens the socket: a plain TCP connection, or TLS for a mesh hop. */
  constructor(dial: () => Conn) {
    this.socket = dial();
    this.parser = new ResponseParser({
      head: (h) => {
        this.headSeen = true;
        this.headNow = true;
        this.ex?.head(h);
      },
      body: (c) => {
        this.chunks.push(c);
      },
      end: (keepAlive) => {
        this.done = true;
        this.keepAlive = keepAlive;
      },
    });
    this.socket.on('data', (c: Buffer) => this.read(() => this.parser.push(c)));
    this.socket.on('end', () => this.read(() => this.parser.closed()));
    this.socket.on('error', (e) => this.fail(e));
    this.socket.on('close', () => this.fail(new Error('the app closed the connection')));
  }

  /** Usable for a new request: open, and not told anything since its last response. */
  get usable(): boolean {
    return !this.dead && !this.socket.destroyed && this.socket.writable;
  }
  /** The last response ended and the app allows another request on this connection. */
  get reusable(): boolean {
    return this.done && this.keepAlive && this.usable;
  }

  /** Starts a request: the response will be reported to ex. */
  start(method: string, ex: ResponseSink): void {
    this.ex = ex;
    this.done = false;
    this.headSeen = false;
    this.parser.begin(method);
  }

  /** Ends the exchange without telling it more (the client went away, or the response is over). */
  detach(): void {
    this.ex = undefined;
  }

  /** Back to its pool if it can carry another request, else closed. */
  release(): void {
    if (this.home) this.home.release(this);
    else this.destroy();
  }

  destroy(): void {
    this.dead = true;
    this.ex = undefined;
    this.socket.destroy();
  }

  private read(step: () => void): void {
    this.chunks = [];
    this.headNow = false;
    try {
      step();
    } catch (e) {
      this.fail(e as Error);
      return;
    }
    const ex = this.ex;
    if (!ex) {
      // Bytes or a close while idle in the pool: this connection is done for.
      if (!this.done || this.chunks.length) this.destroy();
      return;
    }
    if (this.done) this.ex = undefined;
    if (this.chunks.length || this.done || this.headNow) ex.data(this.chunks, this.done);
  }

  private fail(err: Error): void {
    const ex = this.ex;
    this.destroy();
    ex?.error(err, this.headSeen);
  }
}

export class UpstreamPool {
  private idle: UpstreamConnection[] = [];
  private closed = false;

  constructor(
    readonly host: string,
    readonly port: number,
    readonly maxIdle: number,
    private readonly dial: () => Conn,
  ) {}

  /** Connections waiting in the pool. */
  get idleCount(): number {
    return this.idle.length;
  }

  /** The most recently used idle connection, or a new one (always a new one when fresh). */
  acquire(fresh = false): UpstreamConnection {
    for (let c = fresh ? undefined : this.idle.pop(); c; c = this.idle.pop()) {
      if (c.usable) {
        c.reused = true;
        return c;
      }
    }
    const c = new UpstreamConnection(this.dial);
    c.home = this;
    return c;
  }

  /** Back to the pool if it can carry another request, else closed. */
  release(c: UpstreamConnection): void {
    c.detach();
    if (!this.closed && c.reusable && this.idle.length < this.maxIdle) this.idle.push(c);
    else c.destroy();
  }

  /** Closes the idle connections; connections in use close when their exchange ends. */
  destroy(): void {
    this.closed = true;
    for (const c of this.idle) c.destroy();
    this.idle = [];
  }
}

/** Readiness of what a proxy sends to: whether host:port answers a TCP connect within 500 ms, and if not, why. */
export function answers(host: string, port: number, what: string): Promise<{ ready: boolean; reason?: string }> {
  return new Promise((resolve) => {
    const s = connect({ host, port, timeout: 500 });
    s.once('connect', () => {
      s.destroy();
      resolve({ ready: true });
    });
    s.once('timeout', () => {
      s.destroy();
      resolve({ ready: false, reason: `${what} ${host}:${port} did not answer in 500ms` });
    });
    s.once('error', (e: NodeJS.ErrnoException) => resolve({ ready: false, reason: `${what} ${host}:${port}: ${e.code ?? e.message}` }));
  });
}
