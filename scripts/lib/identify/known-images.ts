// The one table of well-known images identify knows, and the Markdown table docs/identify.md carries
// (generated from this by `npm run gen`; test/unit/identify-docs.test.ts fails on drift). An image alone
// never makes a container a sidecar: knowledge only weighs inside a pod or group that structure formed.
import type { Pattern, Role } from './model.js';

export interface KnownImage {
  /** What the reader calls it. */
  name: string;
  /** Matched against the image reference, lower-cased (registry and tag included). */
  match: RegExp;
  role: Role;
  /** The verdict it plays beside an app. */
  pattern: Extract<Pattern, 'sidecar' | 'ambassador' | 'adapter' | 'pause'>;
  /** helper: in a pod with other containers it is a helper. may-be-app: often the workload itself (nginx, an
   * exporter), so it is a helper only beside a member that is not such an image, or when structure says so. */
  weight: 'helper' | 'may-be-app';
  /** It gives the containers that join it their network (a VPN or tunnel that owns the namespace). */
  network?: boolean;
  /** It inspects or signals the processes of its pod (it needs a shared PID namespace). */
  processes?: boolean;
}

const image = (re: string) => new RegExp(`(^|/)(${re})(:|@|$)`);

export const KNOWN_IMAGES: KnownImage[] = [
  { name: 'pause (Kubernetes, ours)', match: image('pause'), role: 'other', pattern: 'pause', weight: 'helper' },
  { name: 'istio-proxy (proxyv2)', match: image('proxyv2|istio-proxy'), role: 'mesh-proxy', pattern: 'sidecar', weight: 'helper' },
  { name: 'Envoy', match: image('envoy|envoy-[\\w.-]+'), role: 'mesh-proxy', pattern: 'sidecar', weight: 'may-be-app' },
  { name: 'linkerd-proxy', match: image('linkerd2?/proxy|linkerd2-proxy'), role: 'mesh-proxy', pattern: 'sidecar', weight: 'helper' },
  { name: 'Dapr sidecar (daprd)', match: image('daprd'), role: 'other', pattern: 'sidecar', weight: 'helper' },
  { name: 'Fluent Bit', match: image('fluent-bit|fluentbit'), role: 'log-shipper', pattern: 'sidecar', weight: 'helper' },
  { name: 'Fluentd', match: image('fluentd[\\w.-]*'), role: 'log-shipper', pattern: 'sidecar', weight: 'helper' },
  { name: 'Filebeat', match: image('filebeat'), role: 'log-shipper', pattern: 'sidecar', weight: 'helper' },
  { name: 'Vector', match: image('vector'), role: 'log-shipper', pattern: 'sidecar', weight: 'may-be-app' },
  { name: 'Promtail', match: image('promtail'), role: 'log-shipper', pattern: 'sidecar', weight: 'helper' },
  { name: 'git-sync', match: image('git-sync'), role: 'git-sync', pattern: 'sidecar', weight: 'helper' },
  {
    name: 'cloud-sql-proxy',
    match: image('cloud-sql-proxy|cloudsql-proxy|gce-proxy'),
    role: 'db-proxy',
    pattern: 'ambassador',
    weight: 'helper',
  },
  { name: 'vault-agent', match: image('vault|vault-agent|vault-k8s'), role: 'secrets-agent', pattern: 'sidecar', weight: 'helper' },
  { name: 'consul-template', match: image('consul-template'), role: 'secrets-agent', pattern: 'sidecar', weight: 'helper' },
  { name: 'oauth2-proxy', match: image('oauth2-proxy'), role: 'auth-proxy', pattern: 'sidecar', weight: 'helper' },
  { name: 'kube-rbac-proxy', match: image('kube-rbac-proxy'), role: 'auth-proxy', pattern: 'sidecar', weight: 'helper' },
  { name: 'Consul dataplane, Kuma', match: image('consul-dataplane|kuma-dp'), role: 'mesh-proxy', pattern: 'sidecar', weight: 'helper' },
  { name: 'Jaeger agent', match: image('jaeger-agent'), role: 'other', pattern: 'sidecar', weight: 'helper' },
  {
    name: 'OpenTelemetry Collector',
    match: image('opentelemetry-collector[\\w-]*|otelcol[\\w-]*'),
    role: 'other',
    pattern: 'sidecar',
    weight: 'helper',
  },
  { name: 'Grafana Agent, Alloy', match: image('grafana/agent|grafana/alloy'), role: 'log-shipper', pattern: 'sidecar', weight: 'helper' },
  { name: 'OpenShift oauth-proxy', match: image('[\\w-]*oauth-proxy'), role: 'auth-proxy', pattern: 'sidecar', weight: 'helper' },
  { name: 'ghostunnel, stunnel', match: image('ghostunnel|stunnel'), role: 'tls-proxy', pattern: 'sidecar', weight: 'helper' },
  {
    name: 'SPIFFE helper, SPIRE agent',
    match: image('spiffe-helper|spire-agent'),
    role: 'secrets-agent',
    pattern: 'sidecar',
    weight: 'helper',
  },
  { name: 'k8s-sidecar (config loader)', match: image('k8s-sidecar'), role: 'config-reloader', pattern: 'sidecar', weight: 'helper' },
  { name: 'AlloyDB auth proxy', match: image('alloydb-auth-proxy'), role: 'db-proxy', pattern: 'ambassador', weight: 'helper' },
  { name: 'PgBouncer', match: image('pgbouncer'), role: 'db-proxy', pattern: 'ambassador', weight: 'may-be-app' },
  { name: 'Traefik, Caddy', match: image('traefik|caddy'), role: 'tls-proxy', pattern: 'sidecar', weight: 'may-be-app' },
  { name: 'ZeroTier', match: image('zerotier[\\w-]*'), role: 'vpn', pattern: 'sidecar', weight: 'helper', network: true },
  { name: 'nginx', match: image('nginx|nginx-unprivileged'), role: 'tls-proxy', pattern: 'sidecar', weight: 'may-be-app' },
  { name: 'HAProxy', match: image('haproxy'), role: 'tls-proxy', pattern: 'sidecar', weight: 'may-be-app' },
  { name: 'cloudflared', match: image('cloudflared'), role: 'vpn', pattern: 'sidecar', weight: 'helper', network: true },
  { name: 'tailscale', match: image('tailscale'), role: 'vpn', pattern: 'sidecar', weight: 'helper', network: true },
  { name: 'gluetun', match: image('gluetun'), role: 'vpn', pattern: 'sidecar', weight: 'helper', network: true },
  { name: 'WireGuard', match: image('[\\w.-]*wireguard[\\w.-]*'), role: 'vpn', pattern: 'sidecar', weight: 'helper', network: true },
  { name: 'OpenVPN', match: image('[\\w.-]*openvpn[\\w.-]*'), role: 'vpn', pattern: 'sidecar', weight: 'helper', network: true },
  {
    name: 'configmap-reload',
    match: image('configmap-reload|[\\w-]*config-reloader'),
    role: 'config-reloader',
    pattern: 'sidecar',
    weight: 'helper',
  },
  { name: 'certbot', match: image('certbot'), role: 'other', pattern: 'sidecar', weight: 'helper' },
  { name: '*-exporter', match: image('[\\w.-]+[-_]exporter'), role: 'metrics', pattern: 'adapter', weight: 'may-be-app' },
  { name: 'ours: tls-proxy', match: /^sidecar-lab\/tls-proxy(:|$)/, role: 'tls-proxy', pattern: 'sidecar', weight: 'helper' },
  { name: 'ours: mesh-proxy', match: /^sidecar-lab\/mesh-proxy(:|$)/, role: 'mesh-proxy', pattern: 'sidecar', weight: 'helper' },
  { name: 'ours: log-shipper', match: /^sidecar-lab\/log-shipper(:|$)/, role: 'log-shipper', pattern: 'sidecar', weight: 'helper' },
  {
    name: 'ours: config-sync',
    match: /^sidecar-lab\/config-sync(:|$)/,
    role: 'config-reloader',
    pattern: 'sidecar',
    weight: 'helper',
    processes: true,
  },
  { name: 'ours: git-sync', match: /^sidecar-lab\/git-sync(:|$)/, role: 'git-sync', pattern: 'sidecar', weight: 'helper' },
  { name: 'ours: topz', match: /^sidecar-lab\/topz(:|$)/, role: 'other', pattern: 'sidecar', weight: 'helper', processes: true },
  { name: 'ours: status-adapter', match: /^sidecar-lab\/status-adapter(:|$)/, role: 'metrics', pattern: 'adapter', weight: 'helper' },
  { name: 'ours: nutcracker', match: /^sidecar-lab\/nutcracker(:|$)/, role: 'db-proxy', pattern: 'ambassador', weight: 'helper' },
];

/** The table entry an image reference matches, if any (first match wins: the table is ordered). */
const seen = new Map<string, KnownImage | undefined>();
export function knownImage(ref: string): KnownImage | undefined {
  if (!ref) return undefined;
  if (!seen.has(ref)) {
    const r = ref.toLowerCase();
    seen.set(
      ref,
      KNOWN_IMAGES.find((k) => k.match.test(r)),
    );
  }
  return seen.get(ref);
}

export const IMAGES_MARKERS = [
  '<!-- BEGIN known images: generated by `npm run gen` from scripts/lib/identify/known-images.ts -->',
  '<!-- END known images -->',
] as const;

/** The Markdown table docs/identify.md carries. */
export function knownImagesTable(): string {
  const head = ['| image | matches | role | beside an app it is | an app itself? |', '| --- | --- | --- | --- | --- |'];
  const rows = KNOWN_IMAGES.map(
    (k) =>
      `| ${k.name} | \`${k.match.source.replace(/\|/g, '\\|')}\` | ${k.role} | ${k.pattern}${k.network ? ' (owns the network)' : ''}${k.processes ? ' (needs the PID namespace)' : ''} | ${k.weight === 'may-be-app' ? 'often' : 'no'} |`,
  );
  return [...head, ...rows].join('\n');
}
