// The metrics both proxies keep the same way, written once: requests by response class, and the
// certificate being served.
import type { Counter, Gauge, Registry } from '../metrics.js';

/** Counts requests of one label set by response class (2xx…5xx), through one series handle per class: a hot path. */
export function byClass(requests: Counter, labels: Record<string, string> = {}): (status: number) => void {
  const handles: ({ inc(): void } | undefined)[] = [];
  return (status) => {
    const cls = Math.floor(status / 100);
    let h = handles[cls];
    if (!h) h = handles[cls] = requests.series({ ...labels, code: `${cls}xx` });
    h.inc();
  };
}

/** The two gauges of the certificate being served; `id` names the label that says whose it is (subject, spiffe_id). */
export function certificateMetrics(r: Registry, id: string) {
  return {
    info: r.gauge('certificate_info', 'Always 1; labels describe the certificate being served.', { labels: ['serial', id] }),
    notAfter: r.gauge('certificate_not_after_seconds', 'Expiry of the certificate being served, in seconds since the Unix epoch.'),
  };
}

/** Shows a newly served certificate: its serial and identity, and when it expires. */
export function showCertificate(m: { info: Gauge; notAfter: Gauge }, labels: Record<string, string>, notAfter: Date): void {
  m.info.reset();
  m.info.set(1, labels);
  m.notAfter.set(notAfter.getTime() / 1000);
}
