// A RELP client for rsyslog's imrelp: open handshake, then batches of syslog messages pipelined up to a
// window of unacknowledged ones, each acknowledged by its own rsp. Every failure (refusal, bad bytes,
// lost connection, silence) rejects the pending call with a RelpError and closes the client; the caller
// reconnects. This module is the API and the session's lifecycle (connect, open, close, failure); the
// batch in flight (send window, acks, ack timeout) is relp-window.ts.
import type { Conn } from '../../lib/conn.js';
import { dial } from '../../lib/dataplane/index.js';
import { addTxnr, encodeFrame, type Frame, MAX_DATALEN, nextTxnr, RelpError } from './relp-frame.js';
import { ACK_DATA, FrameParser } from './relp-parser.js';
import { checkOpenAnswer } from './relp-rsp.js';
import { SendWindow, strayAnswer } from './relp-window.js';

export { type Frame, RelpError } from './relp-frame.js';

export interface RelpOptions {
  host: string;
  port: number;
  /** Most messages sent and not yet acknowledged. */
  window: number;
  /** Limit for the TCP connect, the open answer, and the wait for each next ack. */
  timeoutMs: number;
  /** relp_software offered in open. */
  software?: string;
  /** @internal Tests only: txnr of the open command (RELP says 1), to reach the wrap quickly. */
  firstTxnr?: number;
}

type Phase = 'closed' | 'connecting' | 'opening' | 'ready' | 'sending' | 'closing';

export class RelpClient {
  private phase: Phase = 'closed';
  private socket: Conn | undefined;
  private parser = new FrameParser();
  private txnr = 1;
  private waitTxnr = 0;
  private timer: NodeJS.Timeout | undefined;
  private window: SendWindow | undefined;
  private opening: { resolve(): void; reject(e: RelpError): void } | undefined;
  private closing: { done: Promise<void>; resolve(): void } | undefined;
  private lastError: RelpError | undefined;
  private readonly where: string;

  constructor(private readonly o: RelpOptions) {
    this.where = `${o.host}:${o.port}`;
    if (!(Number.isInteger(o.window) && o.window >= 1)) throw new RelpError(`RELP window must be a positive integer, not ${o.window}`);
    if (!(o.timeoutMs > 0)) throw new RelpError(`RELP timeoutMs must be positive, not ${o.timeoutMs}`);
  }

  get connected(): boolean {
    return this.phase === 'ready' || this.phase === 'sending';
  }

  connect(): Promise<void> {
    if (this.phase !== 'closed') return Promise.reject(new RelpError(`RELP client for ${this.where} is not closed (${this.phase})`));
    return new Promise((resolve, reject) => {
      this.opening = { resolve, reject };
      this.phase = 'connecting';
      this.parser = new FrameParser();
      this.txnr = this.o.firstTxnr ?? 1;
      this.lastError = undefined;
      this.arm(() => this.fail(new RelpError(`RELP connect to ${this.where} timed out after ${this.o.timeoutMs} ms`)));
      try {
        this.dial();
      } catch (e) {
        this.fail(this.lost((e as NodeJS.ErrnoException).code ?? (e as Error).message)); // a bad port throws here
      }
    });
  }

  private dial(): void {
    // Bun's native socket (the data plane's NativeConn): no stream layer under the frames.
    const sock = dial(this.o.host, this.o.port);
    this.socket = sock;
    const { where, o } = this;
    const guard = (fn: () => void) => this.on(sock, fn);
    this.window = new SendWindow(sock, { where, size: o.window, timeoutMs: o.timeoutMs, guard, fail: (e) => this.fail(e) });
    sock.on('error', (e: NodeJS.ErrnoException) => this.on(sock, () => this.fail(this.lost(e.code ?? e.message))));
    sock.on('end', () => this.on(sock, () => this.fail(this.lost('closed by the server'))));
    sock.on('close', () => this.on(sock, () => this.fail(this.lost('closed'))));
    sock.on('data', (chunk: Buffer) => this.on(sock, () => this.receive(chunk)));
    sock.once('connect', () => this.on(sock, () => this.open()));
  }

  /** Sends a batch, after any still in flight on this session; resolves when every message of it is acknowledged. */
  send(messages: Uint8Array[]): Promise<void> {
    if (this.phase !== 'ready' && this.phase !== 'sending') return Promise.reject(this.notReady());
    const big = messages.findIndex((m) => m.length > MAX_DATALEN);
    if (big >= 0) return Promise.reject(new RelpError(`message ${big + 1} of ${messages.length} is over ${MAX_DATALEN} bytes`));
    if (!messages.length) return Promise.resolve();
    const first = this.txnr;
    this.txnr = addTxnr(first, messages.length); // for the next batch, or the command after the last one
    this.phase = 'sending';
    return this.window!.send(messages, first);
  }

  close(): Promise<void> {
    if (this.closing) return this.closing.done;
    if (this.phase !== 'ready') {
      this.fail(new RelpError(`RELP client for ${this.where} was closed while ${this.phase}${this.window?.unacked() ?? ''}`));
      return Promise.resolve();
    }
    let resolve = () => {};
    const done = new Promise<void>((r) => (resolve = r));
    this.closing = { done, resolve };
    this.phase = 'closing';
    this.command('close');
    this.arm(() => this.fail(new RelpError('close timed out'))); // resolves the close all the same
    return done;
  }

  /** Runs an event handler of the current socket; anything it throws fails the session. */
  private on(sock: Conn, fn: () => void): void {
    if (sock !== this.socket) return;
    try {
      fn();
    } catch (e) {
      this.fail(e instanceof RelpError ? e : new RelpError(`RELP client for ${this.where}: ${(e as Error).message}`));
    }
  }

  private open(): void {
    this.phase = 'opening';
    const software = (this.o.software ?? 'sidecar-lab-log-shipper').replace(/[\n,]/g, ' ');
    this.command('open', Buffer.from(`relp_version=0\nrelp_software=${software}\ncommands=syslog`));
    this.arm(() => this.fail(new RelpError(`RELP server ${this.where} did not answer open within ${this.o.timeoutMs} ms`)));
  }

  private command(name: string, data?: Uint8Array): void {
    this.waitTxnr = this.txnr;
    this.txnr = nextTxnr(this.txnr);
    this.socket?.write(encodeFrame(this.waitTxnr, name, data));
  }

  private receive(chunk: Buffer): void {
    this.parser.each(chunk, this.onFrame, this.onAck);
    this.window?.settle();
  }

  private readonly onFrame = (f: Frame) => this.frame(f);

  /** A positive ack, read with no frame made for it (the parser's fast path): to the window while sending;
   * otherwise, and for txnr 0 (a server hint, never an answer), what frame() makes of that frame. */
  private readonly onAck = (txnr: number) => {
    if (this.phase !== 'sending' || txnr === 0) this.frame({ txnr, command: 'rsp', data: ACK_DATA });
    else if (this.window!.ackOk(txnr)) this.phase = 'ready';
  };

  private frame(f: Frame): void {
    if (f.txnr === 0 && f.command === 'serverclose') throw this.lost('closed by the server (serverclose)');
    if (f.txnr === 0 || f.command !== 'rsp') throw new RelpError(`RELP server ${this.where} sent an unexpected ${f.command} command`);
    if (this.phase === 'sending') {
      if (this.window!.ack(f)) this.phase = 'ready';
      return;
    }
    if (this.phase === 'closing') {
      if (f.txnr === this.waitTxnr) this.socket?.end();
      return;
    }
    if (this.phase !== 'opening' || f.txnr !== this.waitTxnr) throw strayAnswer(this.where, f.txnr);
    checkOpenAnswer(this.where, f.data);
    this.phase = 'ready';
    clearTimeout(this.timer);
    const op = this.opening!;
    this.opening = undefined;
    op.resolve();
  }

  private arm(onTimeout: () => void): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(onTimeout, this.o.timeoutMs);
  }

  /** Ends the session: the socket is destroyed, the pending call rejected (a close resolved). Never throws. */
  private fail(e: RelpError): void {
    if (this.phase === 'closed') return;
    const { opening, window, closing } = this;
    this.phase = 'closed';
    this.socket?.destroy();
    this.socket = this.window = undefined;
    this.opening = this.closing = undefined;
    clearTimeout(this.timer);
    window?.stop(e); // rejects the batch in flight, if any (there is none while closing)
    if (closing) closing.resolve();
    else {
      this.lastError = e;
      opening?.reject(e);
    }
  }

  private lost(why: string): RelpError {
    if (this.phase === 'connecting') return new RelpError(`RELP connect to ${this.where} failed: ${why}`);
    if (this.phase === 'opening') return new RelpError(`RELP connection to ${this.where} ${why} before open was answered`);
    return new RelpError(`RELP connection to ${this.where} lost (${why})${this.window?.unacked() ?? ''}`, this.window?.progress());
  }

  private notReady(): RelpError {
    if (this.phase !== 'closed') return new RelpError(`RELP client for ${this.where} is ${this.phase}`);
    const why = this.lastError ? ` (${this.lastError.message})` : '';
    return new RelpError(`RELP client for ${this.where} is not connected${why}`);
  }
}
