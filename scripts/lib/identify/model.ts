// What identify reports (docs/identify.schema.json documents it) and the member shape its rules read,
// one for a Kubernetes container and a Compose service alike.

export type Pattern = 'app' | 'sidecar' | 'native-sidecar' | 'init' | 'ambassador' | 'adapter' | 'pause' | 'standalone';
export type Role =
  | 'tls-proxy'
  | 'mesh-proxy'
  | 'log-shipper'
  | 'config-reloader'
  | 'git-sync'
  | 'secrets-agent'
  | 'vpn'
  | 'metrics'
  | 'auth-proxy'
  | 'db-proxy'
  | 'other';
export type Confidence = 'high' | 'low';

export interface MountInfo {
  /** Volume name (Kubernetes volume, Compose named volume) or bind source path. */
  source: string;
  target: string;
  readOnly: boolean;
  kind: 'bind' | 'volume' | 'emptyDir' | 'configMap' | 'secret' | 'other';
}

/** One container or service, in the terms the rules use. */
export interface Member {
  name: string;
  image: string;
  /** Kubernetes: where it sits. Compose: always 'container'. */
  place: 'container' | 'init' | 'native';
  /** entrypoint/command/args as words. */
  argv: string[];
  env: Record<string, string>;
  /** Ports it listens on, as written (numbers or placeholders). */
  ports: string[];
  /** Ports published on the host (Compose). */
  published: string[];
  mounts: MountInfo[];
  capAdd: string[];
  devices: string[];
  healthcheck: boolean;
  /** Compose profiles it needs (none: always on). */
  profiles: string[];
  /** Compose depends_on: service -> condition. */
  dependsOn: Record<string, string>;
}

export interface Container {
  name: string;
  image: string;
  pattern: Pattern;
  role?: Role;
  confidence: Confidence;
  evidence: string[];
  profiles?: string[];
  lesson?: string;
}

export interface Group {
  file: string;
  name: string;
  kind: string;
  containers: Container[];
}

export type Severity = 'error' | 'warning';
export interface Finding {
  rule: string;
  severity: Severity;
  file: string;
  group?: string;
  container?: string;
  message: string;
  see: string;
}

export interface Report {
  version: 1;
  files: { path: string; kind: 'compose' | 'kubernetes' }[];
  skipped: { path: string; reason: string }[];
  ignored: { path: string; reason: string }[];
  /** Kubernetes objects without a pod template, by kind (counted, not reported). */
  ignoredKinds: Record<string, number>;
  groups: Group[];
  findings: Finding[];
}
