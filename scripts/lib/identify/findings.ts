// The linter: what is wrong with a sidecar set-up, each rule with an id, a one-line message and the
// lesson or check that shows why.
import type { ComposeDraft, ComposeProblem } from './compose.js';
import type { PodDraft } from './k8s.js';
import { knownImage } from './known-images.js';
import type { Finding, Group, Member, Severity } from './model.js';
import { inspectsProcesses, listenPorts, localTargets, secretFlags } from './signals.js';

export const RULES: Record<string, { severity: Severity; see: string }> = {
  'bypass-port': { severity: 'error', see: 'stacks/https/README.md, check 2 (plain HTTP never leaves the pod)' },
  'job-sidecar': { severity: 'error', see: 'stacks/patterns/README.md (a native sidecar lets a Job complete)' },
  'secret-flag': { severity: 'error', see: 'stacks/topz/README.md (a flag is readable in /proc/PID/cmdline)' },
  'join-cycle': { severity: 'error', see: 'docs/identify.md#groups' },
  'join-missing': { severity: 'warning', see: 'docs/identify.md#groups' },
  'host-namespace': { severity: 'warning', see: 'stacks/https/README.md, check 4 (one pod, one set of namespaces)' },
  'app-namespace': { severity: 'warning', see: 'stacks/https/README.md, check 7 (the pod survives app restarts)' },
  'single-file-mount': { severity: 'warning', see: 'stacks/https/README.md, check 8 (certificates rotate in a mounted directory)' },
  'not-healthy-first': { severity: 'warning', see: 'stacks/https/README.md, check 5 (native-sidecar ordering)' },
  'no-healthcheck': { severity: 'warning', see: 'stacks/https/README.md, check 5 (native-sidecar ordering)' },
  'no-shared-pid': { severity: 'warning', see: 'stacks/topz/README.md (a PID namespace shared in the pod)' },
};

const HELPER = new Set(['sidecar', 'ambassador', 'adapter', 'native-sidecar']);

export class Findings {
  readonly list: Finding[] = [];
  add(rule: string, file: string, message: string, group?: string, container?: string) {
    const r = RULES[rule]!;
    this.list.push({
      rule,
      severity: r.severity,
      file,
      ...(group ? { group } : {}),
      ...(container ? { container } : {}),
      message,
      see: r.see,
    });
  }
}

/** A bind source that names one file (an extension on its last segment), not a directory or a socket. */
const looksLikeFile = (source: string) => /\/[^/]+\.[A-Za-z0-9]{1,8}$/.test(source) && !/\.(d|sock)$/.test(source);

/** Rules every group has: secrets on the command line, single files mounted into a helper, process inspection. */
export function memberRules(f: Findings, file: string, g: Group, members: Member[], sharedPid: boolean) {
  const verdict = new Map(g.containers.map((c) => [c.name, c]));
  for (const m of members) {
    for (const flag of secretFlags(m))
      f.add('secret-flag', file, `${flag} passes a secret as a flag: use a file or an environment variable`, g.name, m.name);
    const c = verdict.get(m.name);
    const needsPid = knownImage(m.image)?.processes || inspectsProcesses(m);
    if (c && HELPER.has(c.pattern) && needsPid && !sharedPid && members.length > 1)
      f.add('no-shared-pid', file, 'it inspects or signals processes, but its group shares no PID namespace', g.name, m.name);
  }
  if (g.containers.length < 2) return;
  for (const m of members) {
    for (const mt of m.mounts) {
      if (mt.kind !== 'bind' || !looksLikeFile(mt.source)) continue;
      const sharers = members.filter((o) => o.mounts.some((x) => x.source === mt.source));
      if (sharers[0] === m && sharers.some((o) => HELPER.has(verdict.get(o.name)?.pattern ?? '')))
        f.add(
          'single-file-mount',
          file,
          `${mt.source} is a single file bind-mounted into ${sharers.map((o) => o.name).join(', ')}: a replaced file keeps the old inode inside`,
          g.name,
          m.name,
        );
    }
  }
}

/** Kubernetes: a sidecar kept in a Job's containers, host namespaces. */
export function podRules(f: Findings, file: string, g: Group, p: PodDraft) {
  for (const h of p.hostNamespaces) f.add('host-namespace', file, `${h}: true: the pod shares the host's namespace`, g.name);
  if (p.completes)
    for (const c of g.containers)
      if (c.pattern === 'sidecar' || c.pattern === 'ambassador' || c.pattern === 'adapter')
        f.add(
          'job-sidecar',
          file,
          `${c.pattern} kept in containers of a ${p.kind}: the Job never completes; make it an init container with restartPolicy: Always`,
          g.name,
          c.name,
        );
  memberRules(f, file, g, p.members, p.shareProcessNamespace);
}

/** Compose: bypass ports, namespaces joined to the app, ordering and health. */
export function composeRules(f: Findings, file: string, g: Group, d: ComposeDraft) {
  const verdict = new Map(g.containers.map((c) => [c.name, c]));
  const helpers = d.members.filter((m) => HELPER.has(verdict.get(m.name)?.pattern ?? ''));
  const apps = d.members.filter((m) => verdict.get(m.name)?.pattern === 'app');
  const published = new Set(d.members.flatMap((m) => m.published));
  for (const p of helpers.filter((m) => ['tls-proxy', 'auth-proxy'].includes(verdict.get(m.name)?.role ?? ''))) {
    const appPorts = new Set([
      ...apps.flatMap((a) => [...listenPorts({ ...a, ports: [] })]),
      ...localTargets(p).flatMap((t) => (t.port ? [t.port] : [])),
    ]);
    for (const port of published)
      if (appPorts.has(port) && !listenPorts(p).has(port))
        f.add(
          'bypass-port',
          file,
          `the app's own port ${port} is published beside ${p.name}: clients can bypass the ${verdict.get(p.name)!.role}`,
          g.name,
          p.name,
        );
  }
  const owner = d.owner ? verdict.get(d.owner) : undefined;
  if (owner?.pattern === 'app' && helpers.some((h) => d.joins.some((j) => j.from === h.name && j.to === owner.name)))
    f.add(
      'app-namespace',
      file,
      `sidecars join ${owner.name}'s own namespace: when it restarts they lose their network; join a pause container instead`,
      g.name,
      owner.name,
    );
  for (const a of apps)
    for (const [dep, cond] of Object.entries(a.dependsOn))
      if (helpers.some((h) => h.name === dep) && cond !== 'service_healthy')
        f.add(
          'not-healthy-first',
          file,
          `${a.name} depends on ${dep} without condition: service_healthy: it may start before its sidecar is ready`,
          g.name,
          a.name,
        );
  const awaited = new Set(
    d.members.flatMap((m) =>
      Object.entries(m.dependsOn)
        .filter(([, c]) => c === 'service_healthy')
        .map(([n]) => n),
    ),
  );
  for (const h of helpers)
    if (!h.healthcheck && !awaited.has(h.name))
      f.add('no-healthcheck', file, `${h.name} has no healthcheck: nothing can wait until it is ready`, g.name, h.name);
  const sharedPid = d.joins.some((j) => j.how.startsWith('pid:'));
  memberRules(f, file, g, d.members, sharedPid);
}

/** Problems found while grouping (missing joins, cycles, host namespaces). */
export function problemRules(f: Findings, file: string, problems: ComposeProblem[], groupOf: (service: string) => string | undefined) {
  for (const p of problems) f.add(p.rule, file, p.message, groupOf(p.service), p.service);
}
