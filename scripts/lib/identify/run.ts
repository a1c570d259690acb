// identify over a list of paths: walk, read what may be read, resolve Compose files and Kubernetes
// streams, group, give verdicts, lint. Pure of process state: the caller gives the working directory.
import { lstatSync, realpathSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { resolveCompose } from '../compose-file/resolve.js';
import { ComposeError, parseYamlDocuments } from '../compose-file/yaml.js';
import { composeGroups } from './compose.js';
import { composeRules, Findings, podRules, problemRules } from './findings.js';
import { isK8sObject, podsOf } from './k8s.js';
import { composeMember } from './members.js';
import type { Report } from './model.js';
import { inside, readText, Unreadable } from './read.js';
import { type Found, type Walked, walk } from './walk.js';
import { composeGroup, podGroup } from './verdict.js';

const COMPOSE_NAME = /^(docker-)?compose[\w.-]*\.ya?ml$/i;
const TEMPLATE = /^\s*\{\{|:\s+\{\{|^\s*-\s+\{\{/m;
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Identify's interpolation: only the .env beside the file; unset stays visible; Compose's refusals refused. */
const IDENTIFY_INTERPOLATION = { unset: (_name: string, text: string) => text, refuseRequired: true };

/** Paths that exist; the others are usage errors (the caller exits 2). */
export function missingPaths(args: string[], cwd: string): string[] {
  return args.filter((a) => {
    try {
      lstatSync(resolve(cwd, a));
      return false;
    } catch {
      return true;
    }
  });
}

/**
 * The repository a path is in: the nearest directory at or above it that holds a .git. A Compose file's
 * extends, include and env_file may point anywhere in it (each stack's compose.yaml extends compose/pod.yaml),
 * and nowhere outside it.
 */
function repositoryOf(dir: string): string | undefined {
  for (let d = dir; ; d = dirname(d)) {
    try {
      lstatSync(join(d, '.git'));
      return d;
    } catch {
      // not here: one level up
    }
    if (dirname(d) === d) return undefined;
  }
}

function collect(args: string[], cwd: string): { walked: Walked; roots: string[] } {
  const walked: Walked = { files: [], skipped: [] };
  const roots: string[] = [];
  for (const arg of args) {
    const abs = resolve(cwd, arg);
    const st = lstatSync(abs);
    let real = abs;
    try {
      real = realpathSync(abs);
    } catch {
      // a dangling or looping symlink given as an argument: the reader says why
    }
    const root = st.isDirectory() ? real : dirname(real);
    roots.push(repositoryOf(root) ?? root);
    if (st.isDirectory()) walk(abs, arg, walked);
    else walked.files.push({ shown: arg, abs });
  }
  return { walked, roots };
}

export function identify(args: string[], cwd: string): Report {
  const { walked, roots } = collect(args, cwd);
  const report: Report = { version: 1, files: [], skipped: [...walked.skipped], ignored: [], ignoredKinds: {}, groups: [], findings: [] };
  const findings = new Findings();
  const bounded = (file: string) => {
    if (!roots.some((r) => inside(r, file)))
      throw new Unreadable(`${relative(cwd, file)} is outside the paths given and their repository: not read`);
    return readText(file, roots);
  };
  const seen = new Set<string>();
  for (const f of walked.files) {
    if (seen.has(f.abs)) continue;
    seen.add(f.abs);
    // a shape no rule expected (a number where a list goes) skips the file, whole: nothing of it is kept
    const mark = [report.files.length, report.groups.length, findings.list.length, report.skipped.length] as const;
    try {
      readOne(f, report, findings, roots, bounded);
    } catch (e) {
      report.files.length = mark[0];
      report.groups.length = mark[1];
      findings.list.length = mark[2];
      report.skipped.length = mark[3];
      const why = String((e as Error)?.message ?? e).split('\n')[0];
      report.skipped.push({ path: f.shown, reason: `not a valid Compose file or manifest: ${why}` });
    }
  }
  report.findings = findings.list;
  return report;
}

function readOne(f: Found, report: Report, findings: Findings, roots: string[], bounded: (file: string) => string) {
  const skip = (reason: string) => report.skipped.push({ path: f.shown, reason });
  const composeNamed = COMPOSE_NAME.test(basename(f.abs));
  let text: string;
  try {
    text = readText(f.abs, roots);
  } catch (e) {
    return skip(e instanceof Unreadable ? e.message : 'cannot read');
  }
  if (!text.trim()) return composeNamed ? skip('empty') : report.ignored.push({ path: f.shown, reason: 'empty' });
  if (TEMPLATE.test(text)) return skip('a Helm or Go template ({{ }}): not plain YAML');
  let docs: unknown[];
  try {
    docs = parseYamlDocuments(text);
  } catch (e) {
    return skip(e instanceof ComposeError ? e.message : 'invalid YAML');
  }
  const first = docs.find((d) => d !== null && d !== undefined);
  const k8s = docs.some(isK8sObject);
  if (!k8s && (composeNamed || (isObj(first) && isObj(first.services))))
    return readCompose(f, isObj(first) ? first : {}, report, findings, bounded, skip);
  if (!k8s) return report.ignored.push({ path: f.shown, reason: 'neither Compose nor Kubernetes (no services, no kind)' });
  report.files.push({ path: f.shown, kind: 'kubernetes' });
  for (const p of podsOf(docs, report.ignoredKinds)) {
    const g = podGroup(f.shown, p);
    report.groups.push(g);
    podRules(findings, f.shown, g, p);
  }
}

function readCompose(
  f: Found,
  doc: Record<string, unknown>,
  report: Report,
  findings: Findings,
  bounded: (file: string) => string,
  skip: (reason: string) => void,
) {
  let model: Record<string, unknown>;
  let notes: { service: string; note: string }[];
  try {
    ({ model, notes } = resolveCompose(f.abs, {
      dotenv: true,
      profiles: 'all',
      interpolation: IDENTIFY_INTERPOLATION,
      read: bounded,
      parsed: new Map([[f.abs, doc]]),
    }));
  } catch (e) {
    if (e instanceof ComposeError || e instanceof Unreadable) return skip(e.message);
    if (e instanceof RangeError) return skip('nested too deep to resolve');
    throw e;
  }
  const services = (isObj(model.services) ? model.services : {}) as Record<string, Record<string, unknown>>;
  report.files.push({ path: f.shown, kind: 'compose' });
  const dir = dirname(f.abs);
  const members = Object.entries(services).map(([n, s]) => composeMember(n, isObj(s) ? s : {}, dir));
  const { drafts, problems } = composeGroups(services, members);
  const groupOf = new Map<string, string>();
  for (const d of drafts) {
    const g = composeGroup(f.shown, d, members);
    for (const c of g.containers) c.evidence.push(...new Set(notes.filter((n) => n.service === c.name).map((n) => `note: ${n.note}`)));
    report.groups.push(g);
    for (const m of d.members) groupOf.set(m.name, g.name);
    composeRules(findings, f.shown, g, d);
  }
  problemRules(findings, f.shown, problems, (s) => groupOf.get(s));
}
