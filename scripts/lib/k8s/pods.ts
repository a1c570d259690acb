// Which compose services make one Kubernetes pod, and the role of each in it.
//   pod        the service others join with network_mode: service:<pod>. When it runs the pause image
//              it is not emitted (Kubernetes' pod has its own pause); otherwise it is a member too.
//   job        a service some member waits for with condition: service_completed_successfully: a plain
//              init container (copied into every pod that waits for it, when it is not a member itself).
//   sidecar    a member another member waits for with condition: service_healthy: a native sidecar
//              (an init container with restartPolicy: Always), started before the members that wait for it.
//   app        every other member: `containers`. A pod should have exactly one; more is ambiguous (warned).
// A service in no pod, and no job, is a pod of its own (its own Deployment, or Pod when it runs once).
import type { Model, Service } from '../compose-file/model.js';
import type { Warnings } from './warnings.js';

export interface PodPlan {
  /** The workload's name: the pod service, or the service on its own. */
  name: string;
  /** The pause service (not emitted), when the pod has one. */
  pause?: string;
  /** Every compose service whose container is in the pod. */
  members: string[];
  /** jobs and sidecars, in start order. */
  init: { service: string; role: 'job' | 'sidecar' }[];
  apps: string[];
  /** No app restarts always: a bare Pod with this restartPolicy (Never, or OnFailure for restart: on-failure). */
  once?: 'Never' | 'OnFailure';
}

const parentOf = (s: Service, key: 'network_mode' | 'pid') => /^service:(.+)$/.exec(s[key] ?? '')?.[1];
const waits = (s: Service | undefined, condition: string) =>
  Object.entries(s?.depends_on ?? {}).flatMap(([n, d]) => (d.condition === condition ? [n] : []));
const isPause = (s: Service | undefined) => /(^|\/)pause(:|$)/.test(s?.image ?? '');
/** Compose restarts it whatever its exit code: a Deployment's restartPolicy: Always. */
export const always = (restart: string | undefined) => /^(always|unless-stopped)$/.test(restart ?? 'no');

/** Kahn's order over depends_on within `set` (any condition); ties by name, so both resolvers agree. */
function startOrder(model: Model, set: string[]): string[] {
  const out: string[] = [];
  const left = new Set(set);
  while (left.size) {
    const ready = [...left].filter((n) => !Object.keys(model.services[n]?.depends_on ?? {}).some((d) => left.has(d))).sort();
    const next = ready[0] ?? [...left].sort()[0]!; // a cycle (Compose rejects one): fall back to the name
    out.push(next);
    left.delete(next);
  }
  return out;
}

/** The jobs a set of services waits for, and the jobs those wait for. */
function jobsFor(model: Model, from: string[]): string[] {
  const found = new Set<string>();
  const visit = (n: string) => {
    for (const j of waits(model.services[n], 'service_completed_successfully')) {
      if (!found.has(j) && model.services[j]) {
        found.add(j);
        visit(j);
      }
    }
  };
  from.forEach(visit);
  return [...found];
}

export function plan(model: Model, w: Warnings): PodPlan[] {
  const names = Object.keys(model.services).sort();
  const svc = (n: string) => model.services[n];
  const pods = [...new Set(names.flatMap((n) => parentOf(svc(n)!, 'network_mode') ?? []))].filter((p) => svc(p));
  const inPod = new Set(pods.flatMap((p) => names.filter((n) => parentOf(svc(n)!, 'network_mode') === p)));
  const jobs = new Set(names.flatMap((n) => waits(svc(n), 'service_completed_successfully')));
  const plans: PodPlan[] = [];
  const build = (name: string, own: string[], pause?: string) => {
    const members = [...own, ...jobsFor(model, own).filter((j) => !own.includes(j))];
    const isJob = (n: string) => jobs.has(n);
    const sidecars = own.filter((n) => !isJob(n) && own.some((m) => waits(svc(m), 'service_healthy').includes(n)));
    const apps = own.filter((n) => !isJob(n) && !sidecars.includes(n));
    if (apps.length !== 1)
      w.add(
        `services.${name}`,
        apps.length
          ? `the pod has ${apps.length} members no other member waits for with service_healthy (${apps.join(', ')}): cannot tell the app, all are containers`
          : 'every member of the pod is waited for: no app, the pod has no containers',
      );
    const init = startOrder(model, [...members.filter(isJob), ...sidecars]).map((service) => ({
      service,
      role: isJob(service) ? ('job' as const) : ('sidecar' as const),
    }));
    const p: PodPlan = { name, members, init, apps, ...(pause ? { pause } : {}) };
    if (apps.length && !apps.some((a) => always(svc(a)?.restart)))
      p.once = apps.some((a) => svc(a)?.restart?.startsWith('on-failure')) ? 'OnFailure' : 'Never';
    plans.push(p);
  };
  for (const p of pods) {
    const joined = names.filter((n) => parentOf(svc(n)!, 'network_mode') === p);
    build(p, isPause(svc(p)) ? joined : [p, ...joined], isPause(svc(p)) ? p : undefined);
  }
  for (const n of names) if (!pods.includes(n) && !inPod.has(n) && !jobs.has(n)) build(n, [n]);
  return plans;
}

/** Members of the pod that depend on a service outside it: Kubernetes cannot order separate workloads. */
export function crossPodWaits(model: Model, p: PodPlan): { service: string; on: string }[] {
  return p.members.flatMap((service) =>
    Object.keys(model.services[service]?.depends_on ?? {})
      .filter((on) => on !== p.pause && !p.members.includes(on))
      .map((on) => ({ service, on })),
  );
}
