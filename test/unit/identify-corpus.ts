// Scoring identify against the corpus of real files (../shared/corpus/identify, beside the repository):
// its truth.yaml labels every container; its README defines the scoring this follows.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from '../../scripts/lib/config.js';
import type { Container, Group, Report } from '../../scripts/lib/identify/model.js';
import { identify } from '../../scripts/lib/identify/run.js';

export const CORPUS = join(dirname(ROOT), 'shared', 'corpus', 'identify');
export const corpusPresent = () => existsSync(join(CORPUS, 'truth.yaml'));

interface TruthContainer {
  name: string;
  label: string;
  label_alt?: string[];
  role?: string;
  role_alt?: string[];
  file?: string;
}
interface TruthCase {
  id: string;
  expect: 'sidecars' | 'none' | 'skipped';
  groups?: { group: string; file?: string; containers: TruthContainer[] }[];
  standalone?: (TruthContainer & { label?: string })[];
}

const SIDECARISH = new Set(['sidecar', 'ambassador', 'adapter', 'native-sidecar']);
const isSc = (l: string) => SIDECARISH.has(l);

export interface Scored {
  pooled: { tp: number; fp: number; fn: number };
  init: { tp: number; fp: number; fn: number };
  exact: { right: number; total: number };
  role: { right: number; total: number };
  wrong: string[];
  caseFailures: string[];
}

const ratio = (a: number, b: number) => (b === 0 ? 1 : a / b);
export const precision = (c: { tp: number; fp: number }) => ratio(c.tp, c.tp + c.fp);
export const recall = (c: { tp: number; fn: number }) => ratio(c.tp, c.tp + c.fn);

const fileOf = (f: string | undefined) => f?.split(' (')[0]?.trim();

export function scoreCorpus(): Scored {
  const truth = parse(readFileSync(join(CORPUS, 'truth.yaml'), 'utf8')) as { cases: TruthCase[] };
  const s: Scored = {
    pooled: { tp: 0, fp: 0, fn: 0 },
    init: { tp: 0, fp: 0, fn: 0 },
    exact: { right: 0, total: 0 },
    role: { right: 0, total: 0 },
    wrong: [],
    caseFailures: [],
  };
  const dirs = new Set(readdirSync(CORPUS));
  for (const c of truth.cases) {
    if (!dirs.has(c.id)) {
      s.caseFailures.push(`${c.id}: no such folder`);
      continue;
    }
    const report: Report = identify(['.'], join(CORPUS, c.id));
    const all = report.groups.flatMap((g) => g.containers.map((x) => ({ g, x })));
    const used = new Set<Container>();
    const wanted: { t: TruthContainer; group: string }[] = [
      ...(c.groups ?? []).flatMap((g) => g.containers.map((t) => ({ t: { ...t, file: fileOf(t.file ?? g.file) }, group: g.group }))),
      ...(c.standalone ?? []).map((t) => ({ t: { ...t, label: 'standalone', file: fileOf(t.file) }, group: '' })),
    ];
    for (const { t, group } of wanted) {
      const sameFile = (g: Group) => !t.file || g.file === t.file || basename(g.file) === t.file;
      const candidates = all.filter(({ g, x }) => x.name === t.name && sameFile(g) && !used.has(x));
      const hit = candidates.find(({ g }) => group.includes(g.name.split('/').pop()!)) ?? candidates[0];
      if (hit) used.add(hit.x);
      const pred = hit?.x.pattern ?? 'missing';
      const ok = [t.label, ...(t.label_alt ?? [])];
      const agreed = ok.includes(pred) || (pred === 'app' && ok.includes('standalone')) || (pred === 'standalone' && ok.includes('app'));
      const truthSc = agreed ? isSc(pred) : isSc(t.label);
      if (truthSc && isSc(pred)) s.pooled.tp++;
      else if (isSc(pred)) s.pooled.fp++;
      else if (truthSc) s.pooled.fn++;
      if (t.label === 'init' && pred === 'init') s.init.tp++;
      else if (pred === 'init') s.init.fp++;
      else if (t.label === 'init') s.init.fn++;
      s.exact.total++;
      const exact = ok.includes(pred);
      if (exact) s.exact.right++;
      let roleOk = true;
      if (t.role && isSc(t.label) && isSc(pred)) {
        s.role.total++;
        roleOk = [t.role, ...(t.role_alt ?? [])].includes(hit?.x.role ?? '');
        if (roleOk) s.role.right++;
      }
      if (!exact || !roleOk)
        s.wrong.push(
          `${c.id} ${t.file ?? ''} ${t.name}: ${pred}${hit?.x.role ? `/${hit.x.role}` : ''}, expected ${ok.join(' or ')}${t.role ? `/${t.role}` : ''}`,
        );
    }
    // containers the truth does not list: a sidecar-ish verdict there is a false positive
    for (const { g, x } of all)
      if (!used.has(x) && isSc(x.pattern)) {
        s.pooled.fp++;
        s.wrong.push(`${c.id} ${g.file} ${x.name}: ${x.pattern}, not in the truth`);
      }
    if (c.expect === 'none' && all.some(({ x }) => isSc(x.pattern))) s.caseFailures.push(`${c.id}: expect none, got a sidecar-ish verdict`);
    if (c.expect === 'skipped' && (report.groups.length || !report.skipped.length))
      s.caseFailures.push(`${c.id}: expected skipped files and no groups`);
  }
  return s;
}
