// verify's reports: the text summary after the check lines, and the JUnit document for CI systems. A run
// that could not start is still a report: one failed testcase that says why.
import { hostname } from 'node:os';
import { inspect } from 'node:util';
import { CheckFailure } from '../check.js';
import { type JUnitCase, junitXml } from './junit.js';
import type { Outcome } from './run.js';

const show = (v: unknown) => (typeof v === 'string' ? v : inspect(v, { depth: 4, breakLength: 100 }));

/** What a failure says beyond its message: EXPECTED/RECEIVED, then the project's ps and logs. */
function detailOf(e: Error & { detail?: string }): string {
  const parts = e instanceof CheckFailure ? [`EXPECTED: ${show(e.expected)}`, `RECEIVED: ${show(e.received)}`] : [];
  if (e.detail) parts.push(e.detail);
  return parts.join('\n');
}

export const counts = (o: Outcome) => ({
  passed: o.results.filter((r) => r.ok && !r.skipped).length,
  failed: o.results.filter((r) => !r.ok).length,
  skipped: o.results.filter((r) => r.skipped).length,
});

export function textSummary(o: Outcome): string {
  const c = counts(o);
  const lines = o.warnings.length ? [`warnings (${o.warnings.length}):`, ...o.warnings.map((w) => `  ⚠ ${w}`)] : [];
  lines.push(`verify: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped (project ${o.project})`);
  return `${lines.join('\n')}\n`;
}

export function junitReport(o: Outcome, file: string): string {
  const cases: JUnitCase[] = o.results.map((r) => ({
    name: r.name,
    classname: 'sidecar-lab.verify',
    seconds: r.ms / 1000,
    outcome: r.skipped ? 'skipped' : r.ok ? 'passed' : 'failed',
    ...(r.skipped ? { message: r.skipped } : {}),
    ...(r.error ? { message: r.error.message, detail: detailOf(r.error) } : {}),
  }));
  return junitXml([
    {
      name: `verify ${file}`,
      timestamp: o.started,
      hostname: hostname(),
      cases,
      properties: { project: o.project, file, ...Object.fromEntries(o.changes.map((c, i) => [`change.${i + 1}`, c])) },
      systemOut: o.warnings.map((w) => `warning: ${w}`).join('\n'),
    },
  ]);
}

/** The outcome of a run that could not start (bad input): one failed testcase with the reason. */
export const refused = (reason: string, project = '(none)'): Outcome => ({
  project,
  started: new Date(),
  results: [{ name: 'verify starts', ok: false, ms: 0, error: new Error(reason) }],
  warnings: [],
  changes: [],
});
