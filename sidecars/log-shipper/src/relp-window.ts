// The batches in flight on a RELP session: their syslog frames written in order, a window slice at a
// time (at most `size` messages unacknowledged over all of them, one buffer per write, waiting for
// 'drain' when the socket asks), each rsp matched to its message, and the ack clock (no ack within
// timeoutMs fails the session). A caller may send the next batch before the last is acknowledged, so
// the link never idles between batches. One SendWindow per connection; relp.ts runs the session.
import type { Conn } from '../../lib/conn.js';
import { performance } from 'node:perf_hooks';
import { addTxnr, type Frame, MAX_TXNR, RelpError, syslogFramesSize, writeSyslogFrames } from './relp-frame.js';
import { isOk, parseRsp } from './relp-rsp.js';

/** What a SendWindow needs of its session. */
export interface WindowSession {
  /** host:port, for error messages. */
  where: string;
  /** Most messages sent and not yet acknowledged. */
  size: number;
  /** Longest wait for the next ack. */
  timeoutMs: number;
  /** Runs a handler of a socket event if the socket is still the session's; anything it throws fails the session. */
  guard(fn: () => void): void;
  /** Ends the session with e (never throws). */
  fail(e: RelpError): void;
}

interface Batch {
  messages: Uint8Array[];
  /** txnr of messages[0]. */
  first: number;
  sent: number;
  acked: number;
  /** messages[0, prefix) are all acknowledged. */
  prefix: number;
  /** Ack flag of each message. */
  flags: Uint8Array;
  resolve(): void;
  reject(e: RelpError): void;
}

const MAX_WRITE = 1 << 20;
const MIN_SCRATCH = 64 * 1024;

/** The error for an rsp whose txnr nothing awaits. */
export const strayAnswer = (where: string, txnr: number, delivered = 0): RelpError =>
  new RelpError(`RELP server ${where} answered txnr ${txnr}, which is not awaiting an answer`, { delivered });

export class SendWindow {
  /** Batches in flight, oldest first: a batch's frames go out only once the one before it is all sent. */
  private batches: Batch[] = [];
  /** Messages sent and not yet acknowledged, over every batch: at most s.size. */
  private outstanding = 0;
  private draining = false;
  /** Some message was acknowledged since the last settle(). */
  private moved = false;
  private lastAck = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Where frames are written before they go to the socket: reused while the socket keeps none of it. */
  private scratch: Buffer | undefined;

  constructor(
    private readonly sock: Conn,
    private readonly s: WindowSession,
  ) {}

  /** Sends messages numbered from txnr first, after the batches already in flight: resolves when all of
   * them are acknowledged, rejects when the session fails. */
  send(messages: Uint8Array[], first: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.batches.push({ messages, first, sent: 0, acked: 0, prefix: 0, flags: new Uint8Array(messages.length), resolve, reject });
      if (this.batches.length === 1) {
        this.moved = false;
        this.lastAck = performance.now();
        this.watch();
      }
      this.pump();
    });
  }

  /** Takes the rsp to a message in flight; true if no batch is left in flight. Throws on a refusal. */
  ack(f: Frame): boolean {
    return this.answered(f.txnr, f.data);
  }

  /** Takes a positive ack ("200 OK") to a message in flight, as ack() takes that frame. */
  ackOk(txnr: number): boolean {
    return this.answered(txnr, undefined);
  }

  /** data: the rsp's, undefined for a positive ack. */
  private answered(txnr: number, data: Buffer | undefined): boolean {
    let b: Batch | undefined;
    let i = 0;
    for (const c of this.batches) {
      i = (txnr - c.first + MAX_TXNR) % MAX_TXNR;
      if (i < c.messages.length) {
        b = c;
        break;
      }
    }
    if (!b || i >= b.sent || b.flags[i]) throw strayAnswer(this.s.where, txnr, this.batches[0]?.prefix ?? 0);
    if (data && !isOk(data)) {
      const { code, text } = parseRsp(data);
      const which = `message ${i + 1} of ${b.messages.length} (txnr ${txnr})`;
      throw new RelpError(`RELP server ${this.s.where} refused ${which}: ${code} ${text}`, { code, delivered: b.prefix });
    }
    b.flags[i] = 1;
    b.acked++;
    this.outstanding--;
    this.moved = true;
    while (b.prefix < b.sent && b.flags[b.prefix]) b.prefix++;
    if (b.acked === b.messages.length) {
      this.batches.splice(this.batches.indexOf(b), 1);
      b.resolve();
    }
    if (this.batches.length) return false;
    clearTimeout(this.timer);
    return true;
  }

  /** After the frames of a chunk: if they acknowledged messages still in flight, restarts the ack clock and sends on. */
  settle(): void {
    if (!this.batches.length || !this.moved) return;
    this.moved = false;
    this.lastAck = performance.now();
    this.pump();
  }

  /** The session ended: stops the ack clock and rejects every batch in flight. */
  stop(e: RelpError): void {
    const batches = this.batches;
    this.batches = [];
    clearTimeout(this.timer);
    for (const b of batches) b.reject(e);
  }

  /** " with N messages unacknowledged" while batches are in flight, for error messages. */
  unacked(): string {
    const n = this.batches.reduce((sum, b) => sum + b.messages.length - b.acked, 0);
    return n ? ` with ${n} messages unacknowledged` : '';
  }

  /** The RelpError detail: how many messages at the start of the oldest batch in flight are acknowledged. */
  progress(): { delivered: number } {
    return { delivered: this.batches[0]?.prefix ?? 0 };
  }

  /** Writes frames while the window and the socket allow, one buffer per write, batch after batch. */
  private pump(): void {
    const sock = this.sock;
    for (const b of this.batches) {
      while (!this.draining && b.sent < b.messages.length && this.outstanding < this.s.size) {
        const last = Math.min(b.messages.length, b.sent + this.s.size - this.outstanding);
        let end = b.sent;
        for (let bytes = 0; end < last && bytes < MAX_WRITE; end++) bytes += b.messages[end]!.length + 24;
        const first = addTxnr(b.first, b.sent);
        const size = syslogFramesSize(b.messages, b.sent, end, first);
        if (!this.scratch || this.scratch.length < size) this.scratch = Buffer.allocUnsafeSlow(Math.max(size, MIN_SCRATCH));
        writeSyslogFrames(this.scratch, b.messages, b.sent, end, first);
        this.outstanding += end - b.sent;
        b.sent = end;
        const written = sock.write(this.scratch.subarray(0, size));
        // Bytes the socket could not take yet stay queued as a view of the scratch buffer: it is the socket's now.
        if (sock.writableLength !== 0) this.scratch = undefined;
        if (!written) {
          this.draining = true;
          sock.once('drain', () =>
            this.s.guard(() => {
              this.draining = false;
              this.pump();
            }),
          );
        }
      }
      if (b.sent < b.messages.length) return; // the window is full or the socket asked to wait
    }
  }

  private watch(): void {
    const left = this.lastAck + this.s.timeoutMs - performance.now();
    this.timer = setTimeout(
      () => {
        if (!this.batches.length) return;
        if (this.lastAck + this.s.timeoutMs - performance.now() > 1) return this.watch();
        this.s.fail(
          new RelpError(`RELP server ${this.s.where} sent no ack within ${this.s.timeoutMs} ms${this.unacked()}`, this.progress()),
        );
      },
      Math.max(1, left),
    );
  }
}
