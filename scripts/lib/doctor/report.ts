// How the doctor prints: a line for each finding (✔ passed, ✘ failed, ! optional and missing), with the remedy
// under a failed one, then its summary.
import type { Finding } from './finding.js';

export function printFindings(findings: Finding[], log = console.log): void {
  for (const f of findings) {
    log(`${f.ok ? '✔' : f.optional ? '!' : '✘'} ${f.what}: ${f.detail}`);
    if (!f.ok && f.remedy) log(`    remedy: ${f.remedy}`);
  }
}

/** The failures that count: an optional finding never does. */
export const problems = (findings: Finding[]) => findings.filter((f) => !f.ok && !f.optional).length;
