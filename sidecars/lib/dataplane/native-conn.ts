// A Conn over one of Bun's native sockets: what node:net would be, without its stream layer. A native write
// takes what the socket can take now and returns the count; the rest waits here, in order, and goes out
// on the socket's drain. Events follow a Node socket's: 'connect' (the socket is open; for TLS, before
// its handshake), 'data', 'drain' (after a write returned false),
// 'end' (the peer's FIN; this side then ends too, as a Node socket that does not allow half-open
// connections, unless allowHalfOpen is set), 'error', then 'close' exactly once.
import { EventEmitter } from 'node:events';
import { type BunHandlers, type BunSocket, bunConnect } from './bun-socket.js';
import type { Conn } from '../conn.js';

/** Bytes queued before write() returns false, as a Node socket's default high-water mark. */
const HIGH_WATER = 16 * 1024;

export class NativeConn extends EventEmitter implements Conn {
  private s: BunSocket<NativeConn> | undefined;
  private queue: Buffer[] = [];
  private queued = 0;
  private needDrain = false;
  private ending = false;
  private closed = false;
  private paused = false;
  /** Bytes read before start(): replayed to the 'data' listeners then. */
  private held: Buffer[] | undefined;
  destroyed = false;
  remoteAddress: string | undefined;
  /** Called once with the TLS handshake's outcome. */
  onHandshake: ((ok: boolean, err: Error | null) => void) | undefined;
  /** Set before the handshake to have the peer's certificate read as it ends (mTLS). */
  wantsPeer = false;
  /** The peer's certificate as the handshake ended (wantsPeer). */
  peer: PeerCertificate | undefined;
  /** The peer's FIN leaves this side open: whoever reads 'end' ends it (a server that still owes an answer). */
  allowHalfOpen = false;

  /**
   * held: keep what is read until start() (a server connection, until its handshake is done).
   * gated: keep what is written until open() (a client connection, until the server is known).
   */
  constructor(
    held = false,
    private gated = false,
  ) {
    super();
    if (held) this.held = [];
  }

  get writable(): boolean {
    return !this.destroyed && !this.ending;
  }

  /** The socket under this connection, once open. */
  attach(s: BunSocket<NativeConn>): void {
    if (this.destroyed) {
      s.terminate();
      return;
    }
    this.s = s;
    this.remoteAddress = s.remoteAddress;
    s.setNoDelay(true);
    if (this.paused) s.pause();
    this.emit('connect');
    if (!this.gated) this.flush();
  }

  /** Lets what was written go out (a gated connection whose peer is now known). */
  open(): void {
    this.gated = false;
    this.flush();
  }

  /** Delivers what was held, and from now on every read as it comes. */
  start(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const b of held) this.emit('data', b);
  }

  get writableLength(): number {
    return this.queued;
  }

  write(data: Uint8Array | string, encoding: BufferEncoding = 'utf8'): boolean {
    if (!this.writable) return false;
    const b = typeof data === 'string' ? Buffer.from(data, encoding) : (data as Buffer);
    if (this.s && this.queued === 0 && !this.gated) {
      const n = this.s.write(b);
      if (n === b.length) return true;
      if (n < 0) return false;
      this.push(n > 0 ? b.subarray(n) : b);
    } else this.push(b);
    if (this.queued < HIGH_WATER) return true;
    this.needDrain = true;
    return false;
  }

  end(data?: Uint8Array | string): this {
    if (data !== undefined) this.write(data);
    if (this.ending || this.destroyed) return this;
    this.ending = true;
    if (this.s && this.queued === 0 && !this.gated) this.s.shutdown();
    return this;
  }

  destroy(): this {
    if (this.destroyed) return this;
    this.destroyed = true;
    this.queue = [];
    this.queued = 0;
    this.s?.terminate();
    // The socket's close handler may not run for a terminated socket: 'close' comes once either way.
    queueMicrotask(() => this.closedNow());
    return this;
  }

  pause(): this {
    this.paused = true;
    this.s?.pause();
    return this;
  }

  resume(): this {
    this.paused = false;
    this.s?.resume();
    return this;
  }

  private push(b: Buffer): void {
    this.queue.push(b);
    this.queued += b.length;
  }

  /** Writes what is queued, as far as the socket takes it. */
  private flush(): void {
    const s = this.s;
    if (!s || this.destroyed || this.gated) return;
    if (this.queued > 0) {
      const all = this.queue.length === 1 ? this.queue[0]! : Buffer.concat(this.queue, this.queued);
      const n = s.write(all);
      if (n < 0) return;
      this.queue = n < all.length ? [all.subarray(n)] : [];
      this.queued = all.length - n;
      if (this.queued > 0) return;
    }
    if (this.ending) s.shutdown();
    if (this.needDrain) {
      this.needDrain = false;
      this.emit('drain');
    }
  }

  received(b: Buffer): void {
    if (this.destroyed) return;
    if (this.held) this.held.push(b);
    else this.emit('data', b);
  }

  peerEnded(): void {
    if (this.destroyed) return;
    this.emit('end');
    if (!this.allowHalfOpen) this.end();
  }

  failed(err: Error): void {
    if (this.closed) return;
    if (!this.destroyed && this.listenerCount('error') > 0) this.emit('error', err);
    this.destroy();
  }

  handshaken(s: BunSocket<NativeConn>, ok: boolean, err: Error | null): void {
    if (this.wantsPeer) this.peer = { authorized: s.authorized === true, subjectAltName: s.getPeerX509Certificate()?.subjectAltName };
    this.onHandshake?.(ok, err);
  }

  closedNow(): void {
    if (this.closed) return;
    this.closed = true;
    this.destroyed = true;
    this.ending = true;
    this.emit('close');
  }

  /** The handlers every native socket of a NativeConn shares; the socket's data is its NativeConn. */
  static readonly handlers: BunHandlers<NativeConn> = {
    open: (s) => s.data.attach(s),
    data: (s, chunk) => s.data.received(chunk),
    drain: (s) => s.data.flush(),
    end: (s) => s.data.peerEnded(),
    error: (s, err) => s.data.failed(err),
    connectError: (s, err) => s.data.failed(err),
    close: (s, err) => (err ? s.data.failed(err) : s.data.closedNow()),
    handshake: (s, ok, err) => s.data.handshaken(s, ok, err),
  };
}

/** The peer's certificate as a TLS handshake ended. */
export interface PeerCertificate {
  /** Bun's verdict: the chain verified (and, for a client, the name dialled matched; dialTls checks no name). */
  authorized: boolean;
  subjectAltName: string | undefined;
}

/** A plain TCP connection to host:port; writes made before it is open wait in its queue. A port out of
 * range throws at once, as node:net's connect does (ERR_SOCKET_BAD_PORT). */
export function dial(host: string, port: number): NativeConn {
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw Object.assign(new RangeError(`port should be >= 0 and < 65536, received ${port}`), { code: 'ERR_SOCKET_BAD_PORT' });
  const c = new NativeConn();
  bunConnect(host, port, c, NativeConn.handlers).catch((err: Error) => c.failed(err));
  return c;
}
