// Kubernetes manifests: every pod template, wherever its kind keeps it (Pod, a workload's spec.template,
// a CronJob's jobTemplate, the items of a List, any resource with spec.template.spec.containers), as a
// group of members. Objects without a pod template are counted by kind.
import type { Member } from './model.js';
import { k8sMember } from './members.js';

type Dict = Record<string, unknown>;
const isObj = (v: unknown): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface PodDraft {
  name: string;
  kind: string;
  members: Member[];
  /** Runs to completion (Job, CronJob): a sidecar in `containers` keeps it from completing. */
  completes: boolean;
  shareProcessNamespace: boolean;
  hostNamespaces: string[];
}

function podSpec(o: Dict): Dict | undefined {
  const spec = isObj(o.spec) ? o.spec : undefined;
  if (!spec) return undefined;
  if (o.kind === 'Pod' && Array.isArray(spec.containers)) return spec;
  const jt = isObj(spec.jobTemplate) && isObj(spec.jobTemplate.spec) ? spec.jobTemplate.spec : undefined;
  const tpl = isObj((jt ?? spec).template) ? ((jt ?? spec).template as Dict) : undefined;
  return tpl && isObj(tpl.spec) && Array.isArray(tpl.spec.containers) ? tpl.spec : undefined;
}

/** Is this document a Kubernetes object (apiVersion and kind)? */
export const isK8sObject = (d: unknown): d is Dict =>
  isObj(d) && typeof d.kind === 'string' && (typeof d.apiVersion === 'string' || d.kind === 'List');

/** Pod templates of the objects in a stream, and a count of the kinds that carry none. */
export function podsOf(docs: unknown[], ignored: Record<string, number>): PodDraft[] {
  const out: PodDraft[] = [];
  const visit = (o: Dict) => {
    if (o.kind === 'List' || (Array.isArray(o.items) && String(o.kind).endsWith('List'))) {
      for (const item of Array.isArray(o.items) ? o.items : []) if (isK8sObject(item)) visit(item);
      return;
    }
    const spec = podSpec(o);
    const kind = String(o.kind);
    if (!spec) {
      ignored[kind] = (ignored[kind] ?? 0) + 1;
      return;
    }
    const meta = isObj(o.metadata) ? o.metadata : {};
    const volumes: Record<string, Dict> = {};
    for (const v of Array.isArray(spec.volumes) ? spec.volumes : []) if (isObj(v)) volumes[String(v.name)] = v;
    const members = [
      ...(Array.isArray(spec.initContainers) ? spec.initContainers : []).filter(isObj).map((c) => k8sMember(c, true, volumes)),
      ...(spec.containers as unknown[]).filter(isObj).map((c) => k8sMember(c, false, volumes)),
    ];
    const group = String(o.apiVersion ?? '').includes('.') && kind === 'Service' ? `${kind}.${String(o.apiVersion).split('/')[0]}` : kind;
    out.push({
      name: `${group}/${String(meta.name ?? meta.generateName ?? '(unnamed)')}`,
      kind: group,
      members,
      completes: kind === 'Job' || kind === 'CronJob',
      shareProcessNamespace: spec.shareProcessNamespace === true,
      hostNamespaces: (['hostNetwork', 'hostPID', 'hostIPC'] as const).filter((k) => spec[k] === true),
    });
  };
  for (const d of docs) if (isK8sObject(d)) visit(d);
  return out;
}
