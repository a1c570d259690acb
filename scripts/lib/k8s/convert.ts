// A resolved stack as Kubernetes objects: per pod (pods.ts) a Deployment (or a Pod when it runs once)
// and a Service for its published ports, plus the ConfigMaps and Secrets its mounts embed. Labels:
// app.kubernetes.io/name = the workload's compose service, app.kubernetes.io/part-of = sidecar-lab-<stack>.
import { commandName } from '../cli/invocation.js';
import type { Deployment } from 'kubernetes-types/apps/v1.js';
import type { ConfigMap, Container, Pod, PodSpec, Secret, Service, ServicePort } from 'kubernetes-types/core/v1.js';
import { container } from './container.js';
import { imageInfo } from './images.js';
import { checkModelKeys, checkServiceKeys } from './keys.js';
import type { Model } from '../compose-file/model.js';
import { always, crossPodWaits, type PodPlan, plan } from './pods.js';
import type { Resolved } from './resolve.js';
import { dnsName, PodVolumes, Sources } from './volumes.js';
import { type Warning, Warnings } from './warnings.js';

export type K8sObject = Deployment | Pod | Service | ConfigMap | Secret;

export interface Conversion {
  stack: string;
  file: string;
  objects: K8sObject[];
  warnings: Warning[];
  /** `warning: <file> <key>: <message>`, one per warning. */
  lines: string[];
}

const KIND_ORDER = ['ConfigMap', 'Secret', 'Service', 'Deployment', 'Pod'];
/** Compose restarts it (on failure at least): it gets a livenessProbe. */
const restarts = (r: string | undefined) => /^(always|unless-stopped|on-failure)/.test(r ?? 'no');
const podOf = (v: string | undefined) => /^service:(.+)$/.exec(v ?? '')?.[1];

function servicePorts(model: Model, p: PodPlan, w: Warnings): ServicePort[] {
  const owner = p.pause ?? (p.members.includes(p.name) ? p.name : undefined);
  const ports: { port: number; protocol: string }[] = [];
  (model.services[owner ?? '']?.ports ?? []).forEach((pt, i) => {
    if (pt.published)
      w.add(`services.${owner}.ports[${i}].published`, `host port ${pt.published}: a ClusterIP Service has none (kubectl port-forward)`);
    ports.push({ port: pt.target, protocol: (pt.protocol ?? 'tcp').toUpperCase() });
  });
  // A service of its own is reachable on every port it listens on (Compose's network): its image's EXPOSE.
  if (!p.pause && p.members.length === 1)
    ports.push(...(imageInfo(model.services[p.name]?.image)?.expose ?? []).map((port) => ({ port, protocol: 'TCP' })));
  const unique = [...new Map(ports.map((x) => [`${x.protocol}/${x.port}`, x])).values()].sort((a, b) => a.port - b.port);
  return unique.map(({ port, protocol }) => ({ name: `${protocol.toLowerCase()}-${port}`, port, targetPort: port, protocol }));
}

function podSpec(model: Model, p: PodPlan, w: Warnings, sources: Sources): PodSpec {
  const pv = new PodVolumes(model, sources, w);
  const svc = (n: string) => model.services[n]!;
  const restartKey = (n: string) => `services.${n}.restart`;
  const initContainers: Container[] = p.init.map(({ service, role }) => {
    if (role === 'sidecar' && !always(svc(service).restart))
      w.add(restartKey(service), `${svc(service).restart ?? 'absent ("no")'}: a Kubernetes sidecar is always restarted`);
    return container(service, svc(service), w, {
      role,
      liveness: role === 'sidecar' && restarts(svc(service).restart),
      mounts: pv.mounts(service),
    });
  });
  const containers = p.apps.map((a) => {
    const r = svc(a).restart;
    if (!p.once && !always(r))
      w.add(restartKey(a), `${r ?? 'absent ("no")'}: a Deployment restarts every container, whatever its exit code`);
    if (/^on-failure:/.test(r ?? '')) w.add(restartKey(a), `${r}: the retry limit is dropped (Kubernetes retries with back-off)`);
    return container(a, svc(a), w, { role: 'app', liveness: restarts(r), mounts: pv.mounts(a) });
  });
  if (!containers.length && initContainers.length) {
    const { restartPolicy: _r, ...last } = initContainers.pop()!;
    containers.push(last);
  }
  const root = p.pause ?? p.name;
  const own = p.members.filter((m) => m !== p.pause && model.services[m]);
  const sharing = own.filter((m) => podOf(svc(m).pid) === root);
  for (const m of own) {
    const s = svc(m);
    if (s.network_mode !== undefined && podOf(s.network_mode) !== root)
      w.add(`services.${m}.network_mode`, `${s.network_mode}: no Kubernetes equivalent, dropped`);
    if (s.pid !== undefined && podOf(s.pid) !== root) w.add(`services.${m}.pid`, `${s.pid}: no Kubernetes equivalent, dropped`);
    else if (sharing.length && s.pid === undefined && p.members.includes(m) && podOf(s.network_mode) === root)
      w.add(`services.${m}.pid`, 'absent, but Kubernetes shares the PID namespace with every container of the pod');
    for (const [dep, d] of Object.entries(s.depends_on ?? {}))
      if (d.restart && dep !== p.pause) w.add(`services.${m}.depends_on.${dep}.restart`, 'no Kubernetes equivalent, dropped');
  }
  for (const { service, on } of crossPodWaits(model, p))
    w.add(`services.${service}.depends_on.${on}`, `${on} runs in a pod of its own: Kubernetes does not order separate workloads; dropped`);
  const groups = new Set<number>();
  for (const m of own) {
    const ga = (svc(m).group_add ?? []) as string[];
    ga.forEach((g, i) =>
      /^\d+$/.test(g) ? groups.add(Number(g)) : w.add(`services.${m}.group_add[${i}]`, `${g}: Kubernetes needs numeric ids; dropped`),
    );
    const others = own.filter((o) => o !== m && !ga.every((g) => ((svc(o).group_add ?? []) as string[]).includes(g)));
    if (ga.length && others.length)
      w.add(
        `services.${m}.group_add`,
        `Kubernetes adds supplemental groups to every container of the pod (here also ${others.join(', ')})`,
      );
  }
  return {
    enableServiceLinks: false, // Compose injects no <SERVICE>_PORT variables
    automountServiceAccountToken: false, // nor an API token
    ...(sharing.length ? { shareProcessNamespace: true } : {}),
    ...(groups.size ? { securityContext: { supplementalGroups: [...groups].sort((a, b) => a - b) } } : {}),
    ...(initContainers.length ? { initContainers } : {}),
    containers,
    ...(pv.volumes.length ? { volumes: pv.volumes } : {}),
    ...(p.once ? { restartPolicy: p.once } : {}),
  };
}

export function convert(r: Resolved): Conversion {
  const { model, stack } = r;
  const w = new Warnings(r.file);
  for (const [n, profiles] of Object.entries(r.inactive))
    w.add(
      `services.${n}.profiles`,
      `${profiles.join(', ')}: not active (${commandName('k8s')} ${r.arg ?? stack} --profile ${profiles[0]}): not converted`,
    );
  const plans = plan(model, w);
  const pauses = plans.flatMap((p) => p.pause ?? []);
  checkModelKeys(w, model, pauses);
  for (const n of new Set(plans.flatMap((p) => p.members))) checkServiceKeys(w, n, model.services[n]!);
  for (const n of pauses) checkServiceKeys(w, n, model.services[n]!, true);
  const partOf = { 'app.kubernetes.io/part-of': `sidecar-lab-${stack}` };
  const sources = new Sources(w, partOf);
  const objects: K8sObject[] = [];
  for (const p of plans) {
    const name = dnsName(p.name);
    const labels = { 'app.kubernetes.io/name': name, ...partOf };
    const spec = podSpec(model, p, w, sources);
    const metadata = { name, labels };
    if (p.once) objects.push({ apiVersion: 'v1', kind: 'Pod', metadata, spec });
    else
      objects.push({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata,
        spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec } },
      });
    const ports = servicePorts(model, p, w);
    if (ports.length) objects.push({ apiVersion: 'v1', kind: 'Service', metadata, spec: { type: 'ClusterIP', selector: labels, ports } });
  }
  for (const v of Object.keys(model.volumes)) {
    const users = plans.filter((p) =>
      p.members.some((m) => model.services[m]?.volumes?.some((x) => x.type === 'volume' && x.source === v)),
    );
    if (users.length > 1)
      w.add(`volumes.${v}`, `shared by pods ${users.map((p) => p.name).join(', ')}: an emptyDir belongs to one pod, so each gets its own`);
  }
  objects.push(...sources.objects);
  const rank = (o: K8sObject) => KIND_ORDER.indexOf(o.kind!);
  objects.sort((a, b) => rank(a) - rank(b) || (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
  return { stack, file: r.file, objects, warnings: w.list(), lines: w.lines() };
}
