// A verdict for every member of every group: structure (where a container sits, whose namespace it
// joins, who waits for it to complete) decides first, then classifyPod weighs the rest.
import type { ComposeDraft } from './compose.js';
import type { PodDraft } from './k8s.js';
import { knownImage } from './known-images.js';
import { lessonFor } from './lessons.js';
import type { Container, Group, Member } from './model.js';
import { classifyPod, type Decision } from './pod.js';

const container = (m: Member, d: Decision): Container => ({
  name: m.name,
  image: m.image,
  pattern: d.pattern,
  ...(d.role && d.pattern !== 'app' && d.pattern !== 'standalone' && d.pattern !== 'init' && d.pattern !== 'pause' ? { role: d.role } : {}),
  confidence: d.confidence,
  evidence: d.evidence,
  ...(m.profiles.length ? { profiles: m.profiles } : {}),
  ...(lessonFor(d.pattern, d.role) ? { lesson: lessonFor(d.pattern, d.role) } : {}),
});

const volumeLine = (m: Member, others: Member[]) =>
  m.mounts.flatMap((mt) => {
    const with_ = others.filter((o) => o !== m && o.mounts.some((x) => x.source === mt.source)).map((o) => o.name);
    return with_.length ? [`volume ${mt.source} at ${mt.target} (${mt.readOnly ? 'ro' : 'rw'}), shared with ${with_.join(', ')}`] : [];
  });

/** A Kubernetes pod template's verdicts. */
export function podGroup(file: string, p: PodDraft): Group {
  const longRunning = p.members.filter((m) => m.place !== 'init');
  const decisions = longRunning.length > 1 ? classifyPod(longRunning) : new Map<string, Decision>();
  const containers = p.members.map((m) => {
    const volumes = volumeLine(m, p.members);
    if (m.place === 'init')
      return container(m, {
        pattern: 'init',
        confidence: 'high',
        evidence: ['initContainers entry without restartPolicy: Always: runs to completion first', ...volumes],
      });
    const d = decisions.get(m.name) ?? { pattern: 'app', confidence: 'high', evidence: [] };
    const evidence = [...d.evidence, ...volumes];
    if (m.place === 'native') {
      const role = d.pattern === 'app' ? 'other' : d.role;
      return container(m, {
        pattern: 'native-sidecar',
        role,
        confidence: d.confidence,
        evidence: ['initContainers entry with restartPolicy: Always: runs beside the app', ...evidence],
      });
    }
    if (longRunning.length === 1) evidence.unshift('the only long-running container of its pod');
    return container(m, { ...d, evidence });
  });
  return { file, name: p.name, kind: p.kind, containers };
}

/** A command that does nothing but wait: an infra container made of a general image. */
const holdsOnly = (m: Member) => /^((\/bin\/)?sh -c )?(sleep (infinity|inf)|tail -f \/dev\/null)$/.test(m.argv.join(' '));

/** Services the others wait for with service_completed_successfully: init. */
const initsOf = (all: Member[]) =>
  new Set(
    all.flatMap((m) =>
      Object.entries(m.dependsOn)
        .filter(([, c]) => c === 'service_completed_successfully')
        .map(([n]) => n),
    ),
  );

/** A Compose group's verdicts. */
export function composeGroup(file: string, g: ComposeDraft, all: Member[]): Group {
  const inits = initsOf(all);
  const initLine = 'others wait for it to complete (depends_on: service_completed_successfully)';
  // one line per pair of services, with every key that joins them
  const pairs = (side: 'from' | 'to', m: Member) => {
    const by = new Map<string, string[]>();
    for (const j of g.joins.filter((x) => x[side] === m.name)) {
      const other = side === 'from' ? j.to : j.from;
      by.set(other, [...(by.get(other) ?? []), j.how]);
    }
    return [...by];
  };
  const plural = (hows: string[]) => (hows.length > 1 ? 'namespaces' : 'namespace');
  const joinLines = (m: Member) => [
    ...pairs('from', m).map(([to, hows]) => `joins ${to}'s ${plural(hows)} (${hows.join(', ')})`),
    ...pairs('to', m).map(([from, hows]) => `${from} joins its ${plural(hows)} (${hows.join(', ')})`),
  ];
  const published = (m: Member) => (m.published.length ? [`publishes port ${m.published.join(', ')}`] : []);
  const extra = (m: Member) => [...joinLines(m), ...volumeLine(m, g.members), ...published(m)];
  if (g.kind === 'compose-service') {
    const m = g.members[0]!;
    const d: Decision = inits.has(m.name)
      ? { pattern: 'init', confidence: 'high', evidence: [initLine] }
      : { pattern: 'standalone', confidence: 'high', evidence: ['in no group: it shares no namespace with another service'] };
    return { file, name: g.name, kind: g.kind, containers: [container(m, { ...d, evidence: [...d.evidence, ...published(m)] })] };
  }
  const preset = new Map<string, Decision>();
  for (const m of g.members) if (inits.has(m.name)) preset.set(m.name, { pattern: 'init', confidence: 'high', evidence: [initLine] });
  if (g.kind === 'shared-volume') {
    const helper = g.members.find((m) => knownImage(m.image)?.weight === 'helper')!;
    const k = knownImage(helper.image)!;
    const lines = [`coupled only through ${g.volumes!.join(', ')}`];
    const decisions = new Map(
      g.members.map((m) => [
        m.name,
        m === helper
          ? {
              pattern: k.pattern,
              role: k.role,
              confidence: 'low' as const,
              evidence: [
                ...lines,
                `image ${m.image}: ${k.name} in the well-known images table (${k.role})`,
                'no shared namespace: low confidence',
              ],
            }
          : { pattern: 'app' as const, confidence: 'low' as const, evidence: [...lines, `${helper.name} writes what it reads`] },
      ]),
    );
    return {
      file,
      name: g.name,
      kind: g.kind,
      containers: g.members.map((m) => container(m, preset.get(m.name) ?? decisions.get(m.name)!)),
    };
  }
  const owner = g.members.find((m) => m.name === g.owner);
  const ok = owner && knownImage(owner.image);
  const ownsNetwork = owner && (ok?.network || owner.capAdd.includes('NET_ADMIN') || owner.devices.some((d) => d.includes('/dev/net/tun')));
  if (owner && (ok?.pattern === 'pause' || holdsOnly(owner)))
    preset.set(owner.name, {
      pattern: 'pause',
      confidence: 'high',
      evidence: [
        ok
          ? `image ${owner.image}: an infra container that only holds the namespaces`
          : `its command only waits (${owner.argv.join(' ')}): it holds the namespaces`,
      ],
    });
  else if (owner && ownsNetwork && g.members.length > 1) {
    const why = [
      ...(ok?.network ? [`image ${owner.image}: ${ok.name} in the well-known images table (vpn)`] : []),
      ...(owner.capAdd.includes('NET_ADMIN') || owner.devices.some((d) => d.includes('/dev/net/tun'))
        ? ['NET_ADMIN or /dev/net/tun: it makes the network its members use']
        : []),
    ];
    preset.set(owner.name, { pattern: 'sidecar', role: 'vpn', confidence: 'high', evidence: why });
  }
  const longRunning = g.members.filter((m) => !preset.has(m.name) || preset.get(m.name)!.pattern !== 'init');
  const decisions = classifyPod(longRunning, new Map([...preset].filter(([, d]) => d.pattern !== 'init')));
  // a joiner of an app's own namespace that nothing else explains is attached to that app
  const ownerIsApp = owner && decisions.get(owner.name)?.pattern === 'app';
  const containers = g.members.map((m) => {
    let d =
      preset.get(m.name)?.pattern === 'init'
        ? preset.get(m.name)!
        : (decisions.get(m.name) ?? { pattern: 'app' as const, confidence: 'low' as const, evidence: [] });
    if (
      ownerIsApp &&
      m !== owner &&
      d.pattern === 'app' &&
      !knownImage(m.image) &&
      g.joins.some((j) => j.from === m.name && j.to === owner.name)
    )
      d = {
        pattern: 'sidecar',
        role: 'other',
        confidence: 'low',
        evidence: [...d.evidence, `attached to ${owner.name}: nothing else says what it does`],
      };
    if (!owner && m.name === g.members[0]!.name && g.members.length === 1) d = { ...d, confidence: 'low' };
    return container(m, { ...d, evidence: [...d.evidence, ...extra(m)] });
  });
  return { file, name: g.name, kind: g.kind, containers };
}
