// log-shipper's metrics, all in one place (names get the log_shipper_ prefix from the registry).
import type { Registry } from '../../lib/metrics.js';
import { IDLE_AFTER_RECORDS } from './gc-pacer.js';

/** Past this, a pass of the read loop that has not ended is a stalled reader: /readyz says so. */
export const STALL_MS = 30_000;

export function registerMetrics(r: Registry) {
  /** When the read loop's current pass began (0: between passes); the pump sets it, a scrape reads it. */
  const pass = { startedAt: 0 };
  /** The bytes of the buffers kept for reuse; start.ts says where they are, a scrape reads them. */
  const pools = { bytes: () => 0 };
  const m = {
    pass,
    pools,
    readBytes: r.counter('read_bytes_total', 'Bytes read from the followed files.'),
    readLines: r.counter('read_lines_total', 'Complete lines read from the followed files.'),
    shipped: r.counter('shipped_records_total', 'Records sent to the receiver, each attempt counted (a resent batch counts again).'),
    shippedBytes: r.counter('shipped_bytes_total', 'Bytes of the records sent to the receiver, each attempt counted.'),
    acked: r.counter('acked_records_total', 'Records the receiver acknowledged: only these move the registry.'),
    ackedBytes: r.counter('acked_bytes_total', 'Bytes of the records the receiver acknowledged.'),
    retries: r.counter('retries_total', 'Batches sent again after a failed attempt.'),
    failures: r.counter(
      'send_failures_total',
      'Failed attempts to deliver a batch (connect, refusal, lost connection, no acknowledgement in time).',
    ),
    rotations: r.counter('rotations_total', 'Rotations seen, by kind: rename, copytruncate (read on from the copy), truncate (no copy).', [
      'kind',
    ]),
    connected: r.gauge('receiver_connected', '1 while the RELP session to the receiver is open.'),
    buffered: r.gauge('buffered_bytes', 'Bytes read and not yet acknowledged (bounded by --max-buffer-bytes).'),
    pooled: r.gauge(
      'pooled_buffer_bytes',
      `Bytes of read and batch buffers kept for reuse, outside buffered_bytes. A burst grows them; once it is over (nothing left to read, send or acknowledge, after at least ${IDLE_AFTER_RECORDS} records) the read loop drops them.`,
      {
        collect() {
          this.set(pools.bytes());
        },
      },
    ),
    bufferLimit: r.gauge('buffer_limit_bytes', 'The bound on buffered_bytes (--max-buffer-bytes).'),
    files: r.gauge('files', 'Files followed (open or closed while idle).'),
    lag: r.gauge('lag_bytes', 'Per followed file: its size minus the offset the receiver has acknowledged.', { labels: ['file'] }),
    registryAge: r.gauge('registry_age_seconds', 'Seconds since the registry was last written (-1: not yet in this process).'),
    readPass: r.gauge(
      'read_pass_seconds',
      `Seconds the read loop's current pass (list --dir, read the files) has been running; 0 between passes. Past ${STALL_MS / 1000} s the reader is stalled and /readyz says so.`,
      {
        collect() {
          this.set(pass.startedAt ? (Date.now() - pass.startedAt) / 1000 : 0);
        },
      },
    ),
    batchSeconds: r.histogram(
      'batch_duration_seconds',
      'From sending a batch to its last acknowledgement, in seconds.',
      [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    ),
  };
  for (const c of [m.readBytes, m.readLines, m.shipped, m.shippedBytes, m.acked, m.ackedBytes, m.retries, m.failures]) c.inc({}, 0);
  for (const kind of ['rename', 'copytruncate', 'truncate']) m.rotations.inc({ kind }, 0);
  m.connected.set(0);
  m.buffered.set(0);
  m.registryAge.set(-1);
  return m;
}

export type ShipperMetrics = ReturnType<typeof registerMetrics>;
