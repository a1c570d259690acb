// git-sync's metrics, all in one place (names get the git_sync_ prefix from the registry).
import type { Registry } from '../../lib/metrics.js';

export function registerMetrics(r: Registry) {
  return {
    syncs: r.counter(
      'syncs_total',
      'Sync attempts by trigger (start|poll|webhook|signal) and result (published|unchanged|rejected|error).',
      ['trigger', 'result'],
    ),
    failures: r.counter('failures_total', 'Syncs that failed on a git or file-system error.'),
    consecutive: r.gauge('consecutive_failures', 'Failed syncs in a row; the failure budget is spent when this exceeds --max-failures.'),
    revision: r.gauge('revision', 'Always 1; the sha label is the revision the link points at.', { labels: ['sha'] }),
    published: r.gauge('last_publish_timestamp_seconds', 'When the link was last flipped, since the Unix epoch.'),
    duration: r.histogram(
      'sync_duration_seconds',
      'Duration of each sync attempt, from remote check to flip.',
      [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    ),
    holds: r.counter(
      'flip_holds_total',
      'Flips held for the app to take up the last revision (--adopt-timeout), by result (adopted|timeout|stopped: the sidecar was draining).',
      ['result'],
    ),
    checks: r.counter('checks_total', 'Pre-publish checks by result (pass|fail).', ['result']),
    trees: r.gauge('worktrees', 'Complete trees in the shared directory, the current one included.'),
    removed: r.counter('gc_removed_total', 'Retired trees removed after their grace period.'),
    uninspectable: r.gauge('gc_uninspectable_processes', 'Processes in the pod whose open files could not be read at the last collection.'),
    repairs: r.counter('repairs_total', 'Half-made worktrees and temporary links removed at start-up.'),
    webhooks: r.counter(
      'webhook_requests_total',
      'Webhook requests by result (accepted|other_ref|no_ref|missing_signature|bad_signature|bad_payload|bad_content_type|too_large|timeout|...).',
      ['result'],
    ),
  };
}
export type Metrics = ReturnType<typeof registerMetrics>;
