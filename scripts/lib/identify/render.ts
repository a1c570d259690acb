// The text output: per file, a tree of groups and containers with verdict, role, evidence and lesson,
// then skipped files and findings. Everything that came from a file is escaped for the terminal.
import type { Report } from './model.js';

/** Control characters (C0, DEL, C1) and the bidirectional overrides shown as escapes, so a file cannot drive the terminal. */
export const safe = (s: string) =>
  s.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (c) => {
    const code = c.charCodeAt(0);
    return code === 10 ? '\\n' : code === 9 ? '\\t' : code === 13 ? '\\r' : `\\u${code.toString(16).padStart(4, '0')}`;
  });

export function renderText(r: Report): string {
  const out: string[] = [];
  const files = [...new Set(r.groups.map((g) => g.file))];
  for (const file of files) {
    out.push(`${safe(file)}`);
    const groups = r.groups.filter((g) => g.file === file);
    groups.forEach((g, gi) => {
      const lastG = gi === groups.length - 1;
      out.push(`${lastG ? '└─' : '├─'} ${safe(g.name)} [${g.kind}]`);
      const pad = lastG ? '   ' : '│  ';
      g.containers.forEach((c, ci) => {
        const lastC = ci === g.containers.length - 1;
        const role = c.role ? ` (${c.role})` : '';
        const profiles = c.profiles ? `, profile ${c.profiles.map(safe).join('|')}` : '';
        out.push(
          `${pad}${lastC ? '└─' : '├─'} ${safe(c.name)}: ${c.pattern}${role}, ${c.confidence}${profiles}  ${safe(c.image) || '(no image)'}`,
        );
        const inner = `${pad}${lastC ? '   ' : '│  '}`;
        for (const e of c.evidence) out.push(`${inner}· ${safe(e)}`);
        if (c.lesson) out.push(`${inner}→ lesson: ${c.lesson}`);
      });
    });
  }
  const withoutGroups = r.files.filter((f) => !files.includes(f.path));
  for (const f of withoutGroups) out.push(`${safe(f.path)}: ${f.kind}, no containers`);
  for (const s of r.skipped) out.push(`skipped ${safe(s.path)}: ${safe(s.reason)}`);
  const kinds = Object.entries(r.ignoredKinds);
  if (r.ignored.length || kinds.length)
    out.push(
      `ignored: ${r.ignored.length} other YAML file(s)${kinds.length ? `; objects without a pod template: ${kinds.map(([k, n]) => `${safe(k)} ${n}`).join(', ')}` : ''}`,
    );
  for (const f of r.findings)
    out.push(
      `${f.severity} ${f.rule}: ${safe(f.file)}${f.group ? ` ${safe(f.group)}` : ''}${f.container ? ` / ${safe(f.container)}` : ''}: ${safe(f.message)} (see ${f.see})`,
    );
  const sidecars = r.groups
    .flatMap((g) => g.containers)
    .filter((c) => ['sidecar', 'native-sidecar', 'ambassador', 'adapter'].includes(c.pattern)).length;
  out.push(
    `${r.files.length} file(s) read, ${r.skipped.length} skipped, ${r.groups.length} group(s), ${sidecars} sidecar-ish container(s), ${r.findings.length} finding(s)`,
  );
  return `${out.join('\n')}\n`;
}

/** The --json object (docs/identify.schema.json): ignored files and kinds as counts. */
export function toJson(r: Report): object {
  const { ignored, ignoredKinds, ...rest } = r;
  return { ...rest, ignored: { files: ignored.length, kinds: ignoredKinds } };
}
