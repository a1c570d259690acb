// A compose healthcheck (over the image's own HEALTHCHECK, as Docker merges them) as Kubernetes probes:
//   startupProbe    the start period: periodSeconds = start_interval (else interval),
//                   failureThreshold = ceil(start_period / period) + retries. A sidecar's startupProbe is
//                   what holds back the containers after it, as the app's service_healthy wait does.
//   readinessProbe  periodSeconds = interval, timeoutSeconds = timeout, failureThreshold = retries.
//   livenessProbe   the same, only where Compose restarts the service (restart: always, unless-stopped,
//                   on-failure): the closest Kubernetes gets to "an unhealthy container is replaced".
// The test becomes an exec probe: CMD a b -> [a, b]; CMD-SHELL s -> [/bin/sh, -c, s]. Our sidecars' own
// probe becomes an httpGet of their admin port instead, where the kubelet can reach it (admin-probe.ts).
import type { Probe } from 'kubernetes-types/core/v1.js';
import { adminHttpGet } from './admin-probe.js';
import { imageInfo } from './images.js';
import type { Healthcheck, Service } from '../compose-file/model.js';
import type { Warnings } from './warnings.js';

export interface Probes {
  startupProbe?: Probe;
  readinessProbe?: Probe;
  livenessProbe?: Probe;
}

/** Docker's defaults for what neither the compose file nor the image sets. */
const DEFAULTS = { interval: 30, timeout: 30, retries: 3, start_period: 0 };

/** The kubelet expands $(VAR) and turns $$ into $ in command, args, env values and exec probes: keep them literal. */
export const literal = (s: string) => s.replace(/\$(?=[$(])/g, '$$$$');

export function effectiveHealthcheck(s: Service): Healthcheck | undefined {
  const image = imageInfo(s.image)?.healthcheck ?? {};
  const own = s.healthcheck ?? {};
  const h: Healthcheck = { ...image, ...own };
  if (own.disable || h.test?.[0] === 'NONE' || !h.test) return undefined;
  return h;
}

export function probes(name: string, s: Service, w: Warnings, liveness: boolean): Probes {
  const h = effectiveHealthcheck(s);
  const key = `services.${name}.healthcheck`;
  if (!h) {
    if (s.healthcheck && !s.healthcheck.disable && !s.healthcheck.test && !imageInfo(s.image))
      w.add(key, `no test, and ${s.image} is not in the catalogue (its HEALTHCHECK is unknown offline): no probes`);
    return {};
  }
  const whole = (field: 'interval' | 'timeout' | 'start_period' | 'start_interval', v: number) => {
    const n = Math.max(1, Math.ceil(v));
    if (n !== v) w.add(`${key}.${field}`, `${v}s rounded up to ${n}s (Kubernetes counts whole seconds)`);
    return n;
  };
  const [kind, ...rest] = h.test!;
  const command = (kind === 'CMD-SHELL' ? ['/bin/sh', '-c', rest.join(' ')] : rest).map(literal);
  const period = whole('interval', h.interval ?? DEFAULTS.interval);
  const timeoutSeconds = whole('timeout', h.timeout ?? DEFAULTS.timeout);
  const retries = h.retries ?? DEFAULTS.retries;
  const startPeriod = h.start_interval !== undefined ? whole('start_interval', h.start_interval) : period;
  const grace = h.start_period ? Math.ceil(h.start_period / startPeriod) : 0;
  const httpGet = adminHttpGet(h.test!, s, imageInfo(s.image)?.env ?? {});
  const action = httpGet ? { httpGet } : { exec: { command } };
  const steady: Probe = { ...action, periodSeconds: period, timeoutSeconds, failureThreshold: retries };
  return {
    startupProbe: { ...action, periodSeconds: startPeriod, timeoutSeconds, failureThreshold: grace + retries },
    readinessProbe: steady,
    ...(liveness ? { livenessProbe: steady } : {}),
  };
}
