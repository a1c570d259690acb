// The compose keys the conversion handles, and a warning for every other key present: nothing is
// dropped silently. Each handled key says where it goes; the mapping itself warns when a handled key
// holds a value it cannot express (a security_opt other than no-new-privileges, a user name, ...).
import type { Dict, Model, Service } from '../compose-file/model.js';
import type { Warnings } from './warnings.js';

const SERVICE: Dict<string> = {
  image: 'container image',
  entrypoint: 'command',
  command: 'args',
  environment: 'env',
  user: 'securityContext.runAsUser/runAsGroup',
  read_only: 'securityContext.readOnlyRootFilesystem',
  cap_drop: 'securityContext.capabilities.drop',
  cap_add: 'securityContext.capabilities.add',
  security_opt: 'securityContext.allowPrivilegeEscalation (no-new-privileges)',
  healthcheck: 'startupProbe, readinessProbe, livenessProbe',
  restart: 'Deployment or Pod; livenessProbe',
  network_mode: 'pod membership',
  pid: 'shareProcessNamespace',
  depends_on: 'init container order; containers vs sidecars',
  volumes: 'volumes: ConfigMap, Secret or emptyDir',
  tmpfs: 'emptyDir (medium: Memory)',
  ports: 'Service',
  expose: 'nothing: in a cluster every port of a pod is reachable at its address, as expose declares on the Compose network',
  group_add: 'pod securityContext.supplementalGroups',
  cpus: 'resources.limits.cpu',
  working_dir: 'workingDir',
  profiles: 'which services are converted',
};
/** The pause service is not emitted: its own settings go with it; its ports become the pod's Service. */
const PAUSE = [
  'image',
  'ports',
  'expose',
  'restart',
  'read_only',
  'cap_drop',
  'cap_add',
  'security_opt',
  'healthcheck',
  'profiles',
  'user',
];
const HEALTHCHECK = ['test', 'interval', 'timeout', 'retries', 'start_period', 'start_interval', 'disable'];
const DEPENDENCY = ['condition', 'restart'];
const MOUNT = ['type', 'source', 'target', 'read_only'];
const PORT = ['target', 'published', 'host_ip', 'protocol'];
const TOP = ['services', 'volumes'];
const VOLUME = ['driver_opts'];

const DROPPED = 'no Kubernetes equivalent, dropped';

function extra(w: Warnings, path: string, obj: unknown, allowed: string[]): void {
  if (!obj || typeof obj !== 'object') return;
  for (const k of Object.keys(obj)) if (!allowed.includes(k)) w.add(path ? `${path}.${k}` : k, DROPPED);
}

/** Warns for every key of a service that no mapping handles (for the pause service: only its ports are kept). */
export function checkServiceKeys(w: Warnings, name: string, s: Service, pause = false): void {
  const path = `services.${name}`;
  extra(w, path, s, pause ? PAUSE : Object.keys(SERVICE));
  if (pause) return;
  extra(w, `${path}.healthcheck`, s.healthcheck, HEALTHCHECK);
  for (const [dep, d] of Object.entries(s.depends_on ?? {})) extra(w, `${path}.depends_on.${dep}`, d, DEPENDENCY);
  (s.volumes ?? []).forEach((m, i) => extra(w, `${path}.volumes[${i}]`, m, MOUNT));
  (s.ports ?? []).forEach((p, i) => extra(w, `${path}.ports[${i}]`, p, PORT));
}

/** The keys of a pause service's ports, and the top level: other networks, configs, secrets... */
export function checkModelKeys(w: Warnings, model: Model, pauses: string[]): void {
  extra(w, '', model, TOP);
  for (const [name, v] of Object.entries(model.volumes)) extra(w, `volumes.${name}`, v, VOLUME);
  for (const p of pauses) (model.services[p]?.ports ?? []).forEach((port, i) => extra(w, `services.${p}.ports[${i}]`, port, PORT));
}
