// For process-level tests: holds a sidecar's rendered /metrics against what it registers, so the
// README's generated metrics table (names, label names) stays true of what a running sidecar serves.
import { parseMetrics, type Definition } from '../metrics.js';

/** `name: label, ...` for each sample whose metric is not registered or carries a label its metric did not declare. */
export function undeclaredSeries(text: string, defs: Definition[]): string[] {
  const byName = new Map(defs.map((d) => [d.name, d]));
  const out = new Set<string>();
  for (const sample of parseMetrics(text).keys()) {
    const [, name = '', labels = ''] = /^([A-Za-z_:][\w:]*)(?:\{(.*)\})?$/.exec(sample) ?? [];
    const def = byName.get(name) ?? byName.get(name.replace(/_(bucket|sum|count)$/, ''));
    if (!def) {
      out.add(`${name}: not registered`);
      continue;
    }
    const extra = [...labels.matchAll(/(\w+)="(?:[^"\\]|\\.)*"/g)].map((m) => m[1]!).filter((l) => !def.labels.includes(l));
    if (extra.length) out.add(`${name}: ${extra.join(', ')}`);
  }
  return [...out];
}
