// The records read and not yet in a batch: a FIFO that knows its bytes and the age of its oldest record,
// and hands out batches bounded in records and bytes (a single record larger than the byte bound still
// goes, alone).
import type { Shipped } from './tracked.js';

export const recordBytes = (r: Shipped) => r.end - r.start;

export class RecordQueue {
  private items: Shipped[] = [];
  bytes = 0;
  /** When the oldest record still queued arrived, or the last batch was taken (ms since the epoch). */
  oldestAt = 0;

  get length(): number {
    return this.items.length;
  }

  push(records: Shipped[]): void {
    if (!this.items.length) this.oldestAt = Date.now();
    for (const r of records) {
      this.items.push(r);
      this.bytes += recordBytes(r);
    }
  }

  /** Whether a batch of the given bounds is full already. */
  full(maxRecords: number, maxBytes: number): boolean {
    return this.items.length >= maxRecords || this.bytes >= maxBytes;
  }

  /** Takes the next batch: at most maxRecords records and maxBytes bytes, and at least one record. */
  take(maxRecords: number, maxBytes: number): { batch: Shipped[]; bytes: number } {
    let n = 0,
      bytes = 0;
    while (n < this.items.length && n < maxRecords && (n === 0 || bytes + recordBytes(this.items[n]!) <= maxBytes)) {
      bytes += recordBytes(this.items[n]!);
      n++;
    }
    this.bytes -= bytes;
    this.oldestAt = Date.now();
    return { batch: this.items.splice(0, n), bytes };
  }
}
