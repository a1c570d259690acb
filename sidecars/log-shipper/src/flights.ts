// The batches in flight on the RELP session, oldest first, at most MAX_FLIGHTS: each settles as acked or
// failed. A failed one means the session is gone; recover() sends every batch not yet acknowledged again,
// in order, on a new session, after a backoff that starts at 100 ms and doubles up to retryMaxMs.
import type { Logger } from '../../lib/log.js';
import type { ShipperMetrics } from './metrics.js';
import type { Shipped } from './tracked.js';

/** What the shipper needs of a RELP client (relp.ts: RelpClient). */
export interface Transport {
  readonly connected: boolean;
  connect(): Promise<void>;
  send(messages: Uint8Array[]): Promise<void>;
  close(): Promise<void>;
}

/** Batches sent and not yet acknowledged, at most. */
export const MAX_FLIGHTS = 2;

export interface Flight {
  batch: Shipped[];
  bytes: number;
  messages: Buffer[];
  /** What messages are views of: the shipper reuses it once the flight is acknowledged. */
  buffer?: Buffer;
  state: 'flying' | 'acked' | 'failed';
  error?: unknown;
  settled: Promise<void>;
}

export class Flights {
  readonly list: Flight[] = [];
  private backoff = 100;
  consecutiveFailures = 0;

  constructor(
    private readonly transport: Transport,
    private readonly retryMaxMs: number,
    private readonly m: ShipperMetrics,
    private readonly log: Logger,
    /** Called whenever a flight settles. */
    private readonly onSettle: () => void,
  ) {}

  /** Whether another batch may go now: room in flight, and a session to add it to (or none in flight yet). */
  canLaunch(): boolean {
    return this.list.length < MAX_FLIGHTS && (this.transport.connected || !this.list.length);
  }

  /** The oldest flight, once acknowledged, taken off the list (the registry moves in sending order). */
  shiftAcked(): Flight | undefined {
    if (this.list[0]?.state !== 'acked') return undefined;
    this.consecutiveFailures = 0;
    this.backoff = 100;
    return this.list.shift();
  }

  anyFailed(): boolean {
    return this.list.some((f) => f.state === 'failed');
  }

  /** Opens a session if there is none; false (after the backoff) when that fails. */
  async connected(pending: number): Promise<boolean> {
    if (this.transport.connected) return true;
    try {
      await this.transport.connect();
      this.m.connected.set(1);
      return true;
    } catch (e) {
      this.failed(e, pending);
      await new Promise((r) => setTimeout(r, this.backoff));
      this.backoff = Math.min(this.backoff * 2, this.retryMaxMs);
      return false;
    }
  }

  /** Sends a flight after those in flight; it settles as acked or failed, and wakes the loop. */
  launch(f: Flight): void {
    if (!this.list.includes(f)) this.list.push(f);
    f.state = 'flying';
    this.m.shipped.inc({}, f.batch.length);
    this.m.shippedBytes.inc({}, f.bytes);
    const t0 = performance.now();
    f.settled = this.transport.send(f.messages).then(
      () => {
        f.state = 'acked';
        this.m.batchSeconds.observe((performance.now() - t0) / 1000);
      },
      (e: unknown) => {
        f.state = 'failed';
        f.error = e;
      },
    );
    void f.settled.then(this.onSettle);
  }

  /** A flight failed, so the session is gone: once every flight has settled, those not acknowledged are
   * sent again, in order, on a new session, after the backoff. */
  async recover(): Promise<void> {
    await Promise.all(this.list.map((f) => f.settled));
    const again = this.list.filter((f) => f.state !== 'acked');
    this.failed(
      again.find((f) => f.error)?.error,
      again.reduce((n, f) => n + f.batch.length, 0),
    );
    await this.transport.close();
    await new Promise((r) => setTimeout(r, this.backoff));
    this.backoff = Math.min(this.backoff * 2, this.retryMaxMs);
    try {
      await this.transport.connect();
      this.m.connected.set(1);
    } catch (e) {
      for (const f of again) f.error = e;
      return; // still failed: the loop comes back here
    }
    for (const f of again) {
      this.m.retries.inc();
      this.launch(f);
    }
  }

  private failed(e: unknown, records: number): void {
    this.m.connected.set(0);
    this.m.failures.inc();
    this.consecutiveFailures++;
    this.log.warn('records not acknowledged; sending them again', {
      records,
      attempt: this.consecutiveFailures,
      backoffMs: this.backoff,
      err: e,
    });
  }
}
