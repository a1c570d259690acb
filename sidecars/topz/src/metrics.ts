// topz's own metrics, on the admin port (names get the topz_ prefix from the registry). The process
// list it serves as Prometheus text on its listen port is rendered from a scan instead (render.ts).
import type { Registry } from '../../lib/metrics.js';

export function registerMetrics(r: Registry) {
  return {
    scans: r.counter('scans_total', 'Scans of the proc root, by trigger (request, sample).', ['trigger']),
    scanSeconds: r.histogram('scan_duration_seconds', 'Duration of one scan.', [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1]),
    skipped: r.counter('skipped_processes_total', 'Processes skipped by scans, by reason (vanished, unreadable).', ['reason']),
    truncated: r.counter('truncated_scans_total', 'Scans stopped by a cap, by reason (maxProcesses, scanTimeout).', ['reason']),
    requests: r.counter('requests_total', 'HTTP answers, by route and status.', ['route', 'status']),
    exposed: r.gauge('environ_readable_processes', 'Processes of other containers whose environment topz could read (should be 0).'),
    tokenReloads: r.counter('token_reloads_total', 'Token file loads, by result.', ['result']),
  };
}
