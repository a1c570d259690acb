// mesh-proxy's parameter table: its whole configuration API, in one place. Defaults follow Envoy and
// Istio where they have one (the README's Contract says which).
import { limitParams, OLD_GENERATION_SOONER } from '../../lib/dataplane/index.js';
import { defineSpec } from '../../lib/run.js';
import { bool, dir, duration, int, port, string, url } from '../../lib/params.js';
import { allowList, outboundList } from './spiffe.js';

const NAME = { pattern: /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, rule: 'a DNS label (a-z, 0-9, -)' };

export const spec = defineSpec({
  name: 'mesh-proxy',
  prefix: 'MESH_PROXY',
  processTitle: 'mesh-proxy',
  summary:
    "a service-mesh sidecar: mTLS with SPIFFE identities between pods, an allow list, load balancing over DNS-discovered endpoints, retries under a budget, timeouts, outlier ejection, a circuit breaker, Prometheus metrics and W3C traces, all in front of an app that speaks plain HTTP on the pod's loopback.",
  adminPort: 9905,
  runtime: OLD_GENERATION_SOONER,
  params: {
    service: string({
      required: true,
      ...NAME,
      description: "This pod's service: the last segment of its SPIFFE ID, and its name in metrics and spans.",
    }),
    namespace: string({ default: 'default', ...NAME, description: 'The namespace segment of every SPIFFE ID (the stack).' }),
    trustDomain: string({
      default: 'sidecar-lab',
      pattern: /^[a-z0-9._-]+$/,
      rule: 'a trust domain (a-z, 0-9, ., _, -)',
      description: 'The trust domain of every SPIFFE ID: spiffe://<trust-domain>/<namespace>/<service>.',
    }),
    identityDir: dir({
      default: '/etc/mesh/identity',
      description:
        "Directory with tls.crt, tls.key (this pod's identity) and ca.crt (the mesh CA). Watched: a new pair is served without a restart.",
    }),
    inboundPort: port({ default: 15006, listens: true, description: "Port that takes mTLS from other pods' sidecars." }),
    inboundAddress: string({ default: '0.0.0.0', description: 'Address the inbound port listens on.' }),
    appPort: port({ default: 8080, description: 'Port the app serves plain HTTP on, on the pod loopback.' }),
    allow: allowList({
      description: 'Callers allowed in: service names of this namespace, or spiffe:// IDs. Empty: nobody (every inbound request gets 403).',
    }),
    outbound: outboundList({
      defaultPort: 15006,
      description: 'Destinations the app calls: service[:port]=local-port, each a plain-HTTP listener on 127.0.0.1:local-port.',
    }),
    dnsRefresh: duration({
      default: '5s',
      min: '100ms',
      max: '1h',
      description: "How often each destination's name is resolved again (Envoy's dns_refresh_rate).",
    }),
    timeout: duration({
      default: '15s',
      min: '1ms',
      max: '1h',
      description:
        "From the end of the request to the response head, all tries together; then 504 (Envoy's route timeout, to the head only).",
    }),
    perTryTimeout: duration({
      default: '5s',
      min: '1ms',
      max: '1h',
      description: 'From the end of the request to the response head of one try; then the try is retried if allowed.',
    }),
    retries: int({
      default: 2,
      min: 0,
      max: 10,
      description:
        "Retries of an idempotent request without a body, after a connect failure, a reset, a per-try timeout or a 503 (Istio's attempts).",
    }),
    retryBudgetPercent: int({
      default: 20,
      min: 0,
      max: 100,
      description: "Retries allowed as a share of requests over the last 10 s (Linkerd's retryRatio 0.2).",
    }),
    retryBudgetMinPerSecond: int({
      default: 10,
      min: 0,
      max: 1000,
      description: "Retries always allowed per second on top of the share (Linkerd's minRetriesPerSecond).",
    }),
    unsafeNoRetryBudget: bool({
      default: false,
      description: 'Retry every failure up to --retries, with no budget: an outage then multiplies the load on the failing service.',
    }),
    outlierConsecutive5xx: int({
      default: 5,
      min: 1,
      max: 1000,
      description: "Consecutive 5xx or connect failures that eject an endpoint (Envoy's consecutive_5xx).",
    }),
    outlierBaseEjection: duration({
      default: '30s',
      min: '100ms',
      max: '1h',
      description: "First ejection time; the n-th ejection of an endpoint lasts n times this (Envoy's base_ejection_time).",
    }),
    outlierMaxEjectionPercent: int({
      default: 10,
      min: 0,
      max: 100,
      description: "At most this share of a destination's endpoints ejected at once; one is always ejectable (Envoy).",
    }),
    maxPendingRequests: int({
      default: 1024,
      min: 1,
      max: 1_000_000,
      description: "Requests to one destination in flight at once; past it, an immediate 503 (Envoy's circuit breaker default).",
    }),
    otlpEndpoint: url({
      default: '',
      schemes: ['http'],
      description:
        'OTLP/HTTP JSON traces endpoint (e.g. http://collector:4318/v1/traces). Empty: spans are not exported; traceparent is still propagated.',
    }),
    handshakeTimeout: duration({
      default: '10s',
      min: '100ms',
      max: '596h',
      description: 'A connection that has not finished its TLS handshake by then is closed.',
    }),
    ...limitParams,
    idleTimeout: duration({
      default: '60s',
      min: '1s',
      max: '596h',
      description: 'An idle keep-alive connection from the app or a peer is closed after this.',
    }),
    reloadInterval: duration({
      default: '1s',
      min: '100ms',
      max: '1h',
      description: 'How often the identity files are checked for changes, besides file-system events and SIGHUP.',
    }),
  },
});

export const params = spec.params;
