// One destination's endpoints: the addresses its service name resolves to in Docker's embedded DNS
// (every container with that network alias), resolved again every --dns-refresh. A new address joins the
// rotation at once; a vanished one leaves it (its requests in flight finish). A failed resolution keeps
// the last answer, as Envoy's strict DNS does. Each endpoint has its own keep-alive pool of mTLS
// connections, and picks go round robin over the endpoints not ejected (all of them, if all are).
import { lookup } from 'node:dns/promises';
import type { Conn } from '../../lib/conn.js';
import { UpstreamPool } from '../../lib/dataplane/index.js';
import { fresh, type OutlierDetector, type OutlierState } from './outlier.js';

export interface Endpoint {
  address: string;
  pool: UpstreamPool;
  outlier: OutlierState;
}

export type Resolve = (name: string) => Promise<string[]>;

export const dnsResolve: Resolve = async (name) => (await lookup(name, { all: true, family: 4 })).map((a) => a.address).sort();

export class Cluster {
  private endpoints: Endpoint[] = [];
  private next = 0;
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;

  constructor(
    readonly service: string,
    readonly port: number,
    private readonly o: {
      dial: (address: string, port: number) => Conn;
      outliers: OutlierDetector;
      resolve?: Resolve;
      onResolve: (ok: boolean, error?: string) => void;
    },
  ) {}

  get size(): number {
    return this.endpoints.length;
  }
  get ejected(): number {
    return this.endpoints.filter((e) => this.o.outliers.isEjected(e.outlier)).length;
  }
  get addresses(): string[] {
    return this.endpoints.map((e) => e.address);
  }

  /** Resolves now and then every intervalMs. The first resolution's outcome is the promise's. */
  start(intervalMs: number): Promise<void> {
    const first = this.refresh();
    this.timer = setInterval(() => void this.refresh(), intervalMs);
    this.timer.unref();
    return first;
  }

  stop(): void {
    clearInterval(this.timer);
    for (const e of this.endpoints) e.pool.destroy();
  }

  refresh(): Promise<void> {
    this.refreshing ??= (async () => {
      try {
        const found = await (this.o.resolve ?? dnsResolve)(this.service);
        this.update(found);
        this.o.onResolve(true);
      } catch (e) {
        this.o.onResolve(false, (e as NodeJS.ErrnoException).code ?? (e as Error).message);
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }

  /** The endpoint for the next try: round robin over those not ejected, avoiding `not` when there is another. */
  pick(not?: Endpoint): Endpoint | undefined {
    const all = this.endpoints;
    const n = all.length;
    if (n === 0) return undefined;
    // From the next turn on: the first endpoint neither ejected nor `not`; else `not`, if it alone is live;
    // else (panic: every endpoint is ejected, so none is) any, `not` last. No array is made: this runs per try.
    let onlyLive: Endpoint | undefined, panic: Endpoint | undefined;
    for (let i = 0; i < n; i++) {
      const e = all[(this.next + i) % n]!;
      const ejected = this.o.outliers.isEjected(e.outlier);
      if (!ejected && e !== not) {
        this.next = (this.next + i + 1) % n;
        return e;
      }
      if (!ejected) onlyLive = e;
      else if (e !== not) panic ??= e;
    }
    this.next = (this.next + 1) % n;
    return onlyLive ?? panic ?? not;
  }

  /** A try on this endpoint failed; true when that ejected it. */
  failed(e: Endpoint): boolean {
    return this.o.outliers.failure(
      e.outlier,
      this.endpoints.map((x) => x.outlier),
    );
  }

  succeeded(e: Endpoint): void {
    this.o.outliers.success(e.outlier);
  }

  private update(found: string[]): void {
    const keep = new Set(found);
    for (const e of this.endpoints) if (!keep.has(e.address)) e.pool.destroy();
    const known = new Map(this.endpoints.map((e) => [e.address, e]));
    this.endpoints = [...keep].map(
      (address) =>
        known.get(address) ?? {
          address,
          outlier: fresh(),
          pool: new UpstreamPool(address, this.port, 64, () => this.o.dial(address, this.port)),
        },
    );
  }
}
