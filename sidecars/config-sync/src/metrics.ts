// config-sync's metrics, all in one place (names get the config_sync_ prefix from the registry).
import type { Registry } from '../../lib/metrics.js';

export function registerMetrics(r: Registry) {
  const lastError = r.gauge('last_error_info', 'The most recent error, in the label error; the series is replaced by the next error.', {
    labels: ['error'],
  });
  const lastErrorAt = r.gauge('last_error_timestamp_seconds', 'When the most recent error happened, since the Unix epoch (0: none yet).');
  lastErrorAt.set(0);
  const m = {
    received: r.counter('updates_received_total', 'Values of the key seen from etcd (the first read and every watch event).'),
    rejected: r.counter(
      'updates_rejected_total',
      'Values refused, by reason (json, schema, command, deleted; error: the validation itself failed). A refused value is never written nor signalled.',
      ['reason'],
    ),
    writes: r.counter('writes_total', 'Atomic writes of the configuration file.'),
    reloads: r.counter(
      'reloads_total',
      'Times the app was told of a new file, by method and result (ok; skipped: no app process to tell; error).',
      ['method', 'result'],
    ),
    validatorReloads: r.counter(
      'validator_reloads_total',
      'Loads of the validation rules (the schema file), at start and on SIGHUP, by result.',
      ['result'],
    ),
    appliedRevision: r.gauge('applied_revision', 'etcd mod_revision of the value the app has now (0: not known yet).'),
    appliedVersion: r.gauge('applied_version', 'etcd version of that value: how many times the key had been written when it was.'),
    appliedAt: r.gauge(
      'applied_timestamp_seconds',
      'When the last write + reload finished, since the Unix epoch (0: none in this process).',
    ),
    seenRevision: r.gauge('watch_revision', 'Newest revision of the key seen from etcd.'),
    connected: r.gauge('watch_connected', '1 while the watch stream to etcd is open.'),
    watchFailures: r.counter('watch_failures_total', 'Failed or lost watch attempts; each is retried after a back-off.'),
    applySeconds: r.histogram(
      'apply_duration_seconds',
      'From a value arriving from etcd to the app being told (includes the --min-apply-interval wait), in seconds.',
      [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    ),
    /** Records an error: replaces the info series and stamps the time. */
    error(message: string): void {
      lastError.reset();
      lastError.set(1, { error: message.slice(0, 300) });
      lastErrorAt.set(Date.now() / 1000);
    },
  };
  // Every series that can be known up front is there from the start, at 0.
  m.received.inc({}, 0);
  m.writes.inc({}, 0);
  m.watchFailures.inc({}, 0);
  for (const reason of ['json', 'schema', 'command', 'deleted', 'error']) m.rejected.inc({ reason }, 0);
  for (const g of [m.appliedRevision, m.appliedVersion, m.appliedAt, m.seenRevision, m.connected]) g.set(0);
  return m;
}

export type Metrics = ReturnType<typeof registerMetrics>;
