// What `npm run k8s -- <stack>` must produce for each stack (YAML resolver, per-run variables unset):
// its pods (init containers in start order, each a sidecar or a job; containers; a shared PID namespace),
// its Services and their ports, the ConfigMaps and Secrets it embeds, and every warning, exactly. A new
// stack, or a new compose key the converter does not handle, fails k8s-stacks.test.ts until it is listed here.
const dir = (v: string, name: string) =>
  `\${${v}} is set per run: mounted from Secret ${name}, which you create (kubectl create secret generic ${name} --from-file=<dir>)`;
const value = (v: string) =>
  `\${${v}} is set per run: read from Secret run-vars, key ${v}, which you create (kubectl create secret generic run-vars --from-literal=${v}=...)`;
const separate = (on: string) => `${on} runs in a pod of its own: Kubernetes does not order separate workloads; dropped`;
const inactive = 'baseline: not active (npm run k8s -- config --profile baseline): not converted';
const alone = (name: string) => ({ [`Deployment/${name}`]: { init: [], containers: [name], sharePid: false } });

export interface Expected {
  pods: Record<string, { init: string[]; containers: string[]; sharePid: boolean }>;
  services: Record<string, number[]>;
  data: string[];
  warnings: string[];
}

export const EXPECTED: Record<string, Expected> = {
  https: {
    pods: { 'Deployment/pod': { init: ['tls-proxy (sidecar)'], containers: ['app'], sharePid: true } },
    services: { pod: [8443, 9901] },
    data: [],
    warnings: [`services.tls-proxy.volumes[0]: ${dir('CERT_DIR', 'cert-dir')}`],
  },
  config: {
    pods: {
      ...alone('etcd'),
      'Deployment/pod-hup': { init: ['seed (job)', 'sync-hup (sidecar)'], containers: ['app-hup'], sharePid: true },
      'Deployment/pod-once': { init: ['seed (job)', 'sync-once (sidecar)'], containers: ['app-once'], sharePid: true },
    },
    services: { etcd: [2379], 'pod-hup': [8080, 9902], 'pod-once': [8080, 9902] },
    data: ['ConfigMap/schema', 'ConfigMap/seed'],
    warnings: [
      `services.app-poll.profiles: ${inactive}`,
      `services.pod-poll.profiles: ${inactive}`,
      `services.poll.profiles: ${inactive}`,
      `services.seed.depends_on.etcd: ${separate('etcd')}`,
      'volumes.config-hup.driver_opts.o: uid=10010,gid=10010,mode=0755: an emptyDir has no owner or mode options (it is world-writable); dropped',
      'volumes.config-once.driver_opts.o: uid=10006,gid=10006,mode=0755: an emptyDir has no owner or mode options (it is world-writable); dropped',
    ],
  },
  mesh: {
    // Each identity volume becomes an emptyDir per pod: the CA's writes do not reach the pods. In a cluster
    // the identities come from an issuer that writes into each pod (cert-manager's CSI driver, SPIRE).
    pods: {
      'Deployment/backend-1': {
        init: ['backend-1-mesh (sidecar)'],
        containers: ['backend-1-app'],
        sharePid: true,
      },
      'Deployment/backend-2': {
        init: ['backend-2-mesh (sidecar)'],
        containers: ['backend-2-app'],
        sharePid: true,
      },
      'Deployment/backend-3': {
        init: ['backend-3-mesh (sidecar)'],
        containers: ['backend-3-app'],
        sharePid: true,
      },
      'Deployment/ca': {
        init: [],
        containers: ['ca'],
        sharePid: false,
      },
      'Deployment/collector': {
        init: [],
        containers: ['collector'],
        sharePid: false,
      },
      'Deployment/frontend': {
        init: ['frontend-mesh (sidecar)'],
        containers: ['frontend-app'],
        sharePid: true,
      },
      'Deployment/ledger': {
        init: ['ledger-mesh (sidecar)'],
        containers: ['ledger-app'],
        sharePid: true,
      },
      'Deployment/prometheus': {
        init: [],
        containers: ['prometheus'],
        sharePid: false,
      },
    },
    services: {
      collector: [4318, 9906],
      frontend: [9905, 15006],
      prometheus: [9090],
    },
    data: ['ConfigMap/prometheus'],
    warnings: [
      'services.backend-1-app.stop_grace_period: no Kubernetes equivalent, dropped',
      'services.backend-1-mesh.depends_on.ca: ca runs in a pod of its own: Kubernetes does not order separate workloads; dropped',
      'services.backend-1-mesh.depends_on.collector: collector runs in a pod of its own: Kubernetes does not order separate workloads; dropped',
      'services.backend-1-mesh.mem_limit: no Kubernetes equivalent, dropped',
      'services.backend-1-mesh.stop_grace_period: no Kubernetes equivalent, dropped',
      'services.backend-2-app.stop_grace_period: no Kubernetes equivalent, dropped',
      'services.backend-2-mesh.depends_on.ca: ca runs in a pod of its own: Kubernetes does not order separate workloads; dropped',
      'services.backend-2-mesh.depends_on.collector: collector runs in a pod of its own: Kubernetes does not order separate workloads; dropped',
      'services.backend-2-mesh.mem_limit: no Kubernetes equivalent, dropped',
      'services.backend-2-mesh.stop_grace_period: no Kubernetes equivalent, dropped',
      'services.backend-3-app.stop_grace_period: no Kubernetes equivalent, dropped',
      'services.backend-3-mesh.depends_on.ca: ca runs in a pod of its own: Kubernetes does not order separate workloads; dropped',
      'services.backend-3-mesh.depends_on.collector: collector runs in a pod of its own: Kubernetes does not order separate workloads; dropped',
      'services.backend-3-mesh.mem_limit: no Kubernetes equivalent, dropped',
      'services.backend-3-mesh.stop_grace_period: no Kubernetes equivalent, dropped',
      'services.backend-4-app.profiles: scale: not active (npm run k8s -- mesh --profile scale): not converted',
      'services.backend-4-mesh.profiles: scale: not active (npm run k8s -- mesh --profile scale): not converted',
      'services.backend-4.profiles: scale: not active (npm run k8s -- mesh --profile scale): not converted',
      'services.backend-5-app.profiles: scale: not active (npm run k8s -- mesh --profile scale): not converted',
      'services.backend-5-mesh.profiles: scale: not active (npm run k8s -- mesh --profile scale): not converted',
      'services.backend-5.profiles: scale: not active (npm run k8s -- mesh --profile scale): not converted',
      'services.frontend-app.stop_grace_period: no Kubernetes equivalent, dropped',
      'services.frontend-mesh.depends_on.ca: ca runs in a pod of its own: Kubernetes does not order separate workloads; dropped',
      'services.frontend-mesh.depends_on.collector: collector runs in a pod of its own: Kubernetes does not order separate workloads; dropped',
      'services.frontend-mesh.mem_limit: no Kubernetes equivalent, dropped',
      'services.frontend-mesh.stop_grace_period: no Kubernetes equivalent, dropped',
      'services.ledger-app.stop_grace_period: no Kubernetes equivalent, dropped',
      'services.ledger-mesh.depends_on.ca: ca runs in a pod of its own: Kubernetes does not order separate workloads; dropped',
      'services.ledger-mesh.depends_on.collector: collector runs in a pod of its own: Kubernetes does not order separate workloads; dropped',
      'services.ledger-mesh.mem_limit: no Kubernetes equivalent, dropped',
      'services.ledger-mesh.stop_grace_period: no Kubernetes equivalent, dropped',
      'volumes.id-backend: shared by pods backend-1, backend-2, backend-3, ca: an emptyDir belongs to one pod, so each gets its own',
      'volumes.id-backend.driver: no Kubernetes equivalent, dropped',
      'volumes.id-backend.driver_opts.o: uid=10025,gid=10025,mode=0755: an emptyDir has no owner or mode options (it is world-writable); dropped',
      'volumes.id-checks.driver: no Kubernetes equivalent, dropped',
      'volumes.id-checks.driver_opts.o: uid=10025,gid=10025,mode=0755: an emptyDir has no owner or mode options (it is world-writable); dropped',
      'volumes.id-forged.driver: no Kubernetes equivalent, dropped',
      'volumes.id-forged.driver_opts.o: uid=10025,gid=10025,mode=0755: an emptyDir has no owner or mode options (it is world-writable); dropped',
      'volumes.id-frontend: shared by pods frontend, ca: an emptyDir belongs to one pod, so each gets its own',
      'volumes.id-frontend.driver: no Kubernetes equivalent, dropped',
      'volumes.id-frontend.driver_opts.o: uid=10025,gid=10025,mode=0755: an emptyDir has no owner or mode options (it is world-writable); dropped',
      'volumes.id-intruder.driver: no Kubernetes equivalent, dropped',
      'volumes.id-intruder.driver_opts.o: uid=10025,gid=10025,mode=0755: an emptyDir has no owner or mode options (it is world-writable); dropped',
      'volumes.id-ledger: shared by pods ledger, ca: an emptyDir belongs to one pod, so each gets its own',
      'volumes.id-ledger.driver: no Kubernetes equivalent, dropped',
      'volumes.id-ledger.driver_opts.o: uid=10025,gid=10025,mode=0755: an emptyDir has no owner or mode options (it is world-writable); dropped',
    ],
  },
  logs: {
    pods: {
      ...alone('postgres'),
      ...alone('rsyslog'),
      'Deployment/pod-file': { init: ['shipper-file (sidecar)'], containers: ['app-file'], sharePid: true },
      'Deployment/pod-stdout': { init: ['shipper-stdout (sidecar)'], containers: ['app-stdout'], sharePid: true },
    },
    services: { 'pod-file': [8080, 9904], 'pod-stdout': [8080, 9904], postgres: [5432], rsyslog: [2514] },
    data: ['ConfigMap/schema'],
    warnings: [
      'services.app-file.stop_grace_period: no Kubernetes equivalent, dropped',
      'services.app-stdout.stop_grace_period: no Kubernetes equivalent, dropped',
      'services.postgres.tmpfs[0]: uid=10022,gid=10022,mode=0775: an emptyDir has no such option; dropped',
      `services.rsyslog.depends_on.postgres: ${separate('postgres')}`,
      `services.shipper-file.depends_on.rsyslog: ${separate('rsyslog')}`,
      'services.shipper-file.mem_limit: no Kubernetes equivalent, dropped',
      'services.shipper-file.stop_grace_period: no Kubernetes equivalent, dropped',
      `services.shipper-stdout.depends_on.rsyslog: ${separate('rsyslog')}`,
      'services.shipper-stdout.mem_limit: no Kubernetes equivalent, dropped',
      'services.shipper-stdout.stop_grace_period: no Kubernetes equivalent, dropped',
      'volumes.logs-file.driver_opts.o: uid=10023,gid=10023,mode=0755: an emptyDir has no owner or mode options (it is world-writable); dropped',
      'volumes.logs-stdout.driver_opts.o: uid=10023,gid=10023,mode=0755: an emptyDir has no owner or mode options (it is world-writable); dropped',
    ],
  },
  paas: {
    pods: { ...alone('git-server'), 'Deployment/pod': { init: ['git-sync (sidecar)'], containers: ['app'], sharePid: true } },
    services: { 'git-server': [9418], pod: [8080, 9002, 9903] },
    data: ['ConfigMap/site'],
    warnings: [
      `services.git-server.volumes[2]: ${dir('SECRET_DIR', 'secret-dir')}`,
      `services.git-sync.depends_on.git-server: ${separate('git-server')}`,
      `services.git-sync.volumes[1]: ${dir('SECRET_DIR', 'secret-dir')}`,
    ],
  },
  topz: {
    pods: { 'Deployment/pod': { init: ['topz (sidecar)'], containers: ['app'], sharePid: true } },
    services: { pod: [9700] },
    data: [],
    warnings: [
      `services.app.command: ${value('APP_PASSWORD')}`,
      `services.app.environment.APP_API_TOKEN: ${value('APP_API_TOKEN')}`,
      `services.topz.volumes[0]: ${dir('TOPZ_TOKEN_DIR', 'topz-token-dir')}`,
    ],
  },
  patterns: {
    pods: {
      'Deployment/pod': {
        init: ['init (job)', 'adapter (sidecar)', 'ambassador (sidecar)', 'tls-proxy (sidecar)'],
        containers: ['app'],
        sharePid: true,
      },
      ...alone('shard-a'),
      ...alone('shard-b'),
    },
    services: { pod: [8443, 9117], 'shard-a': [6379], 'shard-b': [6379] },
    data: ['ConfigMap/ambassador'],
    warnings: [
      `services.ambassador.depends_on.shard-a: ${separate('shard-a')}`,
      `services.ambassador.depends_on.shard-b: ${separate('shard-b')}`,
      'services.tls-proxy.group_add: Kubernetes adds supplemental groups to every container of the pod (here also adapter, ambassador, app, init)',
    ],
  },
};
