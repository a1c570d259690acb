// Delivery: records wait in a queue, go out in batches bounded in records, bytes and time, and a batch
// counts only when the receiver has acknowledged every message of it. Then, and only then, and in the
// order the batches were sent, the registry moves to the end of the batch's records in each file. Two
// batches may be in flight, so the link does not idle while one waits for its last acknowledgements.
// When a batch fails, the session is gone: every batch not yet acknowledged is sent again, the same
// records with the same ids, in order, on a new session, after a capped, doubling backoff. The bytes read
// and not yet acknowledged are bounded (maxBufferBytes): the reader stops at the bound, so the files are
// the buffer.
import type { Logger } from '../../lib/log.js';
import { BufferPool, MessageBuffer } from './batch-buffer.js';
import type { Formatter } from './format.js';
import type { ShipperMetrics } from './metrics.js';
import { type Flight, Flights, MAX_FLIGHTS, type Transport } from './flights.js';
import { RecordQueue } from './queue.js';
import type { Registry } from './registry.js';
import type { Shipped } from './tracked.js';

export type { Transport } from './flights.js';

/** The least the queue may take ahead (readAhead), so that small batch bounds do not make reads small. */
const READ_AHEAD_MIN = 64 * 1024;

export interface ShipperOptions {
  batchMaxRecords: number;
  batchMaxBytes: number;
  batchMaxWaitMs: number;
  maxBufferBytes: number;
  retryMaxMs: number;
  /** --unsafe-commit-on-read: the registry moves when records are read (what loses lines on a crash). */
  commitOnRead?: boolean;
}

export class Shipper {
  private readonly queue = new RecordQueue();
  /** The buffers batches are written into: one for each flight, and one being written. */
  private readonly buffers = new BufferPool(MAX_FLIGHTS + 1);
  private inflightBytes = 0;
  /** Records and bytes enqueued so far: their mean turns the batch bound in records into bytes. */
  private readonly enqueued = { records: 0, bytes: 0 };
  private readonly flights: Flights;
  private wake: (() => void) | undefined;
  private stopped = false;
  private loop: Promise<void> | undefined;
  /** Resolves waiters of idle(): nothing queued and nothing in flight. */
  private idleWaiters: (() => void)[] = [];
  /** Bytes read and held outside the queue (partial lines, open multi-line records): they count too. */
  held: () => number = () => 0;
  /** Called when budget frees (the reader may have stopped): acknowledgements, or a batch taken off the queue. */
  onFreed: () => void = () => {};

  constructor(
    private readonly o: ShipperOptions,
    private readonly transport: Transport,
    private readonly format: Formatter,
    private readonly registry: Registry,
    private readonly m: ShipperMetrics,
    private readonly log: Logger,
  ) {
    this.flights = new Flights(transport, o.retryMaxMs, m, log, () => this.wake?.());
  }

  /** Bytes read and not yet acknowledged: what counts against maxBufferBytes. */
  get buffered(): number {
    return this.queue.bytes + this.inflightBytes + this.held();
  }

  /** Bytes of the batch buffers kept for the next batches. */
  get pooledBytes(): number {
    return this.buffers.bytes;
  }

  /** Drops the batch buffers kept for the next batches (those of batches in flight are not kept, so not touched). */
  releaseBuffers(): void {
    this.buffers.clear();
  }

  /** How many more bytes may be read now: what is left of maxBufferBytes, and no more than the queue may take. */
  get budget(): number {
    return Math.max(0, Math.min(this.o.maxBufferBytes - this.buffered, this.readAhead()));
  }

  /**
   * What the queue may take: the next two batches (in bytes, by the mean record so far), at least 64 KiB,
   * and nothing while more than half of that waits. Records waiting for a batch are most of the heap at
   * full speed (an object each, and the read buffers they are views of); more of them than the next two
   * batches only wait longer, since the receiver takes them no faster.
   */
  private readAhead(): number {
    const perRecord = this.enqueued.records ? this.enqueued.bytes / this.enqueued.records : 0;
    const ahead = Math.max(READ_AHEAD_MIN, 2 * Math.min(this.o.batchMaxBytes, this.o.batchMaxRecords * perRecord));
    return this.queue.bytes * 2 > ahead ? 0 : Math.ceil(ahead - this.queue.bytes);
  }

  enqueue(records: Shipped[]): void {
    if (!records.length) return;
    const before = this.queue.bytes;
    this.queue.push(records);
    this.enqueued.records += records.length;
    this.enqueued.bytes += this.queue.bytes - before;
    this.m.buffered.set(this.buffered);
    if (this.o.commitOnRead) this.commit(records);
    this.wake?.();
  }

  start(): void {
    this.loop = this.run();
  }

  /** Resolves when everything enqueued so far has been acknowledged (and the registry saved). */
  idle(): Promise<void> {
    if (!this.queue.length && !this.flights.list.length) return this.registry.save();
    return new Promise<void>((r) => this.idleWaiters.push(r)).then(() => this.registry.save());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    await this.transport.close();
  }

  /** A batch is due: full, waited long enough, or someone is waiting for everything to go. */
  private due(): boolean {
    const full = this.queue.full(this.o.batchMaxRecords, this.o.batchMaxBytes);
    return full || this.stopped || this.idleWaiters.length > 0 || Date.now() >= this.queue.oldestAt + this.o.batchMaxWaitMs;
  }

  /** Waits ms, or less when records arrive, a batch settles, or the shipper stops. */
  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.wake = done;
    }).finally(() => {
      this.wake = undefined;
    });
  }

  private async run(): Promise<void> {
    for (;;) {
      for (let f = this.flights.shiftAcked(); f; f = this.flights.shiftAcked()) this.acknowledged(f);
      if (this.flights.anyFailed()) {
        await this.flights.recover();
        continue;
      }
      if (!this.queue.length && !this.flights.list.length) {
        for (const w of this.idleWaiters.splice(0)) w();
        if (this.stopped) return;
        await this.sleep(1000);
        continue;
      }
      if (this.queue.length && this.due() && this.flights.canLaunch()) {
        if (await this.flights.connected(this.queue.length)) this.flights.launch(this.take());
        continue;
      }
      const wait = this.queue.length && !this.flights.list.length ? this.queue.oldestAt + this.o.batchMaxWaitMs - Date.now() : 1000;
      await this.sleep(Math.max(1, wait));
    }
  }

  /** Takes the next batch off the queue, as a flight. */
  private take(): Flight {
    const { batch, bytes } = this.queue.take(this.o.batchMaxRecords, this.o.batchMaxBytes);
    this.inflightBytes += bytes;
    this.onFreed();
    const time = new Date().toISOString();
    // Room for the text, and for the header and labels of each message: grown if it is not enough.
    const out = new MessageBuffer(this.buffers, bytes + 256 * batch.length);
    for (const r of batch) this.format.write(r, time, out);
    return { batch, bytes, messages: out.messages(), buffer: out.buf, state: 'flying', settled: Promise.resolve() };
  }

  private acknowledged(f: Flight): void {
    if (f.buffer) this.buffers.give(f.buffer);
    this.inflightBytes -= f.bytes;
    this.m.acked.inc({}, f.batch.length);
    this.m.ackedBytes.inc({}, f.bytes);
    this.m.buffered.set(this.buffered);
    this.commit(f.batch);
    this.onFreed();
  }

  /** Moves the registry to the end of these records in each file, and writes it. */
  private commit(records: Shipped[]): void {
    const ends = new Map<string, Shipped>();
    for (const r of records) ends.set(r.fp, r);
    for (const r of ends.values()) this.registry.ack(r.fp, r.end, r.from.where);
    this.registry
      .save()
      .catch((e: Error) => this.log.error('cannot write the registry; it stays at the last acknowledged state written', { err: e }));
  }
}
