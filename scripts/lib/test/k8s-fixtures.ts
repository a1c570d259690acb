// Helpers of the k8s tests: a made-up compose model as a resolved stack, and the pod spec of a workload.
import type { Deployment } from 'kubernetes-types/apps/v1.js';
import type { Pod, PodSpec } from 'kubernetes-types/core/v1.js';
import type { K8sObject } from '../k8s/convert.js';
import { type Dict, normalize } from '../compose-file/model.js';
import type { Resolved } from '../k8s/resolve.js';

/** Services (and top-level keys) as a resolver would hand them over, for stack "demo". */
export const made = (services: Dict, top: Dict = {}): Resolved => ({
  stack: 'demo',
  file: 'stacks/demo/compose.yaml',
  model: normalize({ services, ...top }),
  inactive: {},
  resolver: 'yaml',
});

export const podSpecOf = (o: K8sObject | undefined): PodSpec | undefined =>
  o?.kind === 'Deployment' ? (o as Deployment).spec?.template.spec : o?.kind === 'Pod' ? (o as Pod).spec : undefined;

/** The pod spec of the Deployment or Pod named `name`. */
export const spec = (objects: K8sObject[], name = 'pod'): PodSpec =>
  podSpecOf(objects.find((x) => x.metadata?.name === name && (x.kind === 'Deployment' || x.kind === 'Pod')))!;
