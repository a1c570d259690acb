// Who is the app and who helps it, among the members of one pod or namespace group. Structure first:
// who calls whom on localhost, who follows files another writes into a shared volume; then knowledge of
// well-known images, which only weighs beside a member that is not such an image.
import { knownImage } from './known-images.js';
import type { Confidence, Member, Pattern, Role } from './model.js';
import { followsFiles, forwardRole, listenPorts, localTargets, readsStatus, remoteTarget } from './signals.js';

export interface Decision {
  pattern: Pattern;
  role?: Role;
  confidence: Confidence;
  evidence: string[];
}

const show = (s: string) => (s.length > 100 ? `${s.slice(0, 97)}...` : s);

/** Verdicts for the long-running members of a pod; `preset` holds what structure already decided (pause, vpn owner). */
export function classifyPod(members: Member[], preset: Map<string, Decision> = new Map()): Map<string, Decision> {
  const out = new Map<string, Decision>(preset);
  const ev = new Map<string, string[]>(members.map((m) => [m.name, [...(preset.get(m.name)?.evidence ?? [])]]));
  const note = (m: string, line: string) => {
    const l = ev.get(m)!;
    if (!l.includes(line)) l.push(line);
  };
  const apps = new Set<string>();
  const helpers = new Map<string, { pattern: Pattern; role: Role; low: boolean }>();
  const free = members.filter((m) => !preset.has(m.name));
  const ports = new Map(members.map((m) => [m.name, listenPorts(m)]));
  const calls = new Map(members.map((m) => [m.name, localTargets(m)]));
  const known = new Map(members.map((m) => [m.name, knownImage(m.image)]));
  for (const m of members) {
    const k = known.get(m.name);
    if (k) note(m.name, `image ${m.image}: ${k.name} in the well-known images table (${k.role})`);
  }
  // 1. localhost calls between members
  for (const s of members) {
    for (const t of calls.get(s.name)!) {
      if (!t.port) continue;
      const target = members.find((o) => o !== s && ports.get(o.name)!.has(t.port!));
      if (!target) continue;
      const tk = known.get(target.name);
      const remote = remoteTarget(target);
      const sHelper = known.get(s.name)?.weight === 'helper';
      // the app calls a helper on localhost: a known image, a forwarder to a remote host, or a native sidecar
      const called =
        (tk && tk.pattern !== 'pause' && !known.get(s.name)) ||
        (remote && !sHelper && !tk) ||
        (target.place === 'native' && s.place === 'container');
      if (called) {
        note(
          target.name,
          `${s.name} calls it on localhost:${t.port} (${show(t.text)})${remote ? `; it forwards to ${remote.host}:${remote.port}` : ''}`,
        );
        note(s.name, `calls localhost:${t.port}, where ${target.name} listens (${show(t.text)})`);
        helpers.set(target.name, { pattern: tk?.pattern ?? 'ambassador', role: tk?.role ?? forwardRole(remote?.port), low: false });
        apps.add(s.name);
      } else {
        note(s.name, `calls localhost:${t.port}, where ${target.name} listens (${show(t.text)})`);
        note(target.name, `${s.name} calls it on localhost:${t.port}`);
        const sk = known.get(s.name);
        const pattern = sk && sk.pattern !== 'sidecar' ? sk.pattern : readsStatus(t) ? 'adapter' : (sk?.pattern ?? 'sidecar');
        helpers.set(s.name, { pattern, role: sk?.role ?? (readsStatus(t) ? 'metrics' : 'other'), low: false });
        apps.add(target.name);
      }
    }
  }
  // 2. following files another member writes into a shared volume
  for (const s of members) {
    const files = followsFiles(s);
    if (!files.length) continue;
    const mount = s.mounts.find((mt) => files.some((f) => f.startsWith(mt.target)));
    const writer = mount && members.find((o) => o !== s && o.mounts.some((x) => x.source === mount.source && !x.readOnly));
    if (mount && writer) {
      note(s.name, `follows ${files[0]} in volume ${mount.source}, which ${writer.name} writes`);
      if (!helpers.has(s.name)) helpers.set(s.name, { pattern: 'sidecar', role: known.get(s.name)?.role ?? 'log-shipper', low: false });
      if (!helpers.has(writer.name)) apps.add(writer.name);
    }
  }
  // 2b. a member that writes a volume another member only reads provides it (content, config, certificates)
  for (const w of members) {
    if (helpers.has(w.name) || apps.has(w.name) || preset.has(w.name)) continue;
    for (const mt of w.mounts.filter((x) => !x.readOnly && x.kind !== 'configMap' && x.kind !== 'secret')) {
      const reader = members.find(
        (r) => r !== w && r.mounts.some((x) => x.source === mt.source && x.readOnly) && known.get(r.name)?.weight !== 'helper',
      );
      if (!reader) continue;
      note(w.name, `writes volume ${mt.source} (${mt.target}), which ${reader.name} only reads`);
      helpers.set(w.name, {
        pattern: 'sidecar',
        role: known.get(w.name)?.role ?? (/conf/i.test(mt.target) ? 'config-reloader' : 'other'),
        low: !known.get(w.name),
      });
      apps.add(reader.name);
      break;
    }
  }
  // 3. knowledge: a helper image is a helper; a may-be-app image only beside a member that is not one
  const undecided = () => free.filter((m) => !apps.has(m.name) && !helpers.has(m.name));
  for (const m of undecided()) {
    const k = known.get(m.name);
    if (k?.weight === 'helper' && k.pattern !== 'pause') helpers.set(m.name, { pattern: k.pattern, role: k.role, low: false });
  }
  const plain = undecided().filter((m) => !known.get(m.name));
  for (const m of undecided()) {
    const k = known.get(m.name);
    if (k && k.pattern !== 'pause' && (plain.length || apps.size))
      helpers.set(m.name, { pattern: k.pattern, role: k.role, low: !apps.size });
  }
  // 4. where nothing else found a helper: a member that calls localhost with no port named works on the pod's app
  for (const m of undecided()) {
    const t = calls.get(m.name)![0];
    if (t && helpers.size === 0 && free.some((o) => o !== m && !calls.get(o.name)!.length)) {
      note(m.name, `calls localhost (${show(t.text)}) beside the pod's app`);
      helpers.set(m.name, { pattern: 'sidecar', role: 'other', low: true });
    }
  }
  for (const m of free) {
    const h = helpers.get(m.name);
    const evidence = ev.get(m.name)!;
    if (h && !apps.has(m.name)) out.set(m.name, { pattern: h.pattern, role: h.role, confidence: h.low ? 'low' : 'high', evidence });
    else {
      const conflict = h && apps.has(m.name);
      if (conflict) evidence.push(`conflicting: looks like a ${h.pattern} (${h.role}) but another member calls it`);
      out.set(m.name, { pattern: 'app', confidence: conflict ? 'low' : 'high', evidence });
    }
  }
  // a pod of helpers only: the one others call, or else the first, is the app after all
  const regular = free.filter((m) => m.place === 'container');
  if (regular.length && regular.every((m) => out.get(m.name)!.pattern !== 'app')) {
    const m = regular.find((x) => apps.has(x.name)) ?? regular[0]!;
    const d = out.get(m.name)!;
    out.set(m.name, { pattern: 'app', confidence: 'low', evidence: [...d.evidence, 'every member looks like a helper: taken as the app'] });
  }
  return out;
}
