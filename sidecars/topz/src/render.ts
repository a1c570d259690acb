// A snapshot as Prometheus text: one series per process (labelled pid and name) plus scan facts.
import { Gauge } from '../../lib/metrics.js';
import type { Snapshot } from './schema.js';

export function toPrometheus(s: Snapshot): string {
  const g = {
    cpu: new Gauge(
      'topz_process_cpu_percent',
      'Share of one CPU since the previous scan (100 = one core); absent until a process was seen twice.',
    ),
    rss: new Gauge('topz_process_resident_memory_bytes', 'Resident memory of the process.'),
    threads: new Gauge('topz_process_threads', 'Threads of the process.'),
    start: new Gauge('topz_process_start_time_seconds', 'Start time of the process since the Unix epoch.'),
    states: new Gauge('topz_processes', 'Processes in this scan, by state letter.'),
    scan: new Gauge('topz_scan_duration_seconds', 'Duration of the scan behind this response.'),
    truncated: new Gauge('topz_scan_truncated', '1 when the scan stopped at --max-processes or --scan-timeout.'),
    skipped: new Gauge('topz_scan_skipped_processes', 'Processes left out of this scan, by reason (vanished, unreadable).'),
    warnings: new Gauge('topz_security_warnings', 'Security warnings from the self-check (0 when all is well).'),
  };
  for (const p of s.processes) {
    const l = { pid: String(p.pid), name: p.name };
    if (p.cpuPercent !== null) g.cpu.set(p.cpuPercent, l);
    g.rss.set(p.rssBytes, l);
    g.threads.set(p.threads, l);
    g.start.set(Date.parse(p.startTime) / 1000, l);
    g.states.inc({ state: p.state });
  }
  g.scan.set(s.scanMs / 1000);
  g.truncated.set(s.truncated ? 1 : 0);
  g.skipped.set(s.skipped.vanished, { reason: 'vanished' });
  g.skipped.set(s.skipped.unreadable, { reason: 'unreadable' });
  g.warnings.set(s.warnings.length);
  return `${Object.values(g)
    .flatMap((m) => m.render())
    .join('\n')}\n`;
}
