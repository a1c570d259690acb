// SPIFFE IDs (spiffe://<trust domain>/<path>) and the two operator inputs that name them: the allow
// list of callers and the outbound destinations. Each parser throws a RuleError that states the rule.
import { type Param, RuleError } from '../../lib/params.js';

// RFC-ish subset of the SPIFFE ID spec: a lower-case trust domain, path segments of [A-Za-z0-9._-].
const TRUST_DOMAIN = /^[a-z0-9._-]+$/;
const SEGMENT = /^[A-Za-z0-9._-]+$/;
const NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export function spiffeId(trustDomain: string, namespace: string, service: string): string {
  return `spiffe://${trustDomain}/${namespace}/${service}`;
}

/** True for a well-formed SPIFFE ID. */
export function isSpiffeId(s: string): boolean {
  if (!s.startsWith('spiffe://')) return false;
  const [domain, ...path] = s.slice(9).split('/');
  return TRUST_DOMAIN.test(domain ?? '') && path.length > 0 && path.every((p) => SEGMENT.test(p) && p !== '.' && p !== '..');
}

/** The SPIFFE ID of a certificate: its one URI SAN that is a SPIFFE ID, or undefined (none, or several). */
export function certSpiffeId(subjectAltName: string | undefined): string | undefined {
  if (!subjectAltName) return undefined;
  const ids = subjectAltName
    .split(/,\s*/)
    .filter((n) => n.startsWith('URI:spiffe://'))
    .map((n) => n.slice(4));
  return ids.length === 1 && isSpiffeId(ids[0]!) ? ids[0] : undefined;
}

/** A service name (a DNS label): what the outbound list and the allow list use for short. */
export const isServiceName = (s: string) => NAME.test(s);

/** Callers allowed in: service names (in the pod's own trust domain and namespace) or whole SPIFFE IDs. */
export function allowList(o: { description: string }): Param<string[]> {
  return {
    kind: 'string',
    description: o.description,
    default: [],
    rule: 'comma-separated service names or spiffe:// IDs, or empty (nobody)',
    parse(raw) {
      const items = raw
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
      for (const s of items)
        if (!isServiceName(s) && !isSpiffeId(s)) throw new RuleError(`${JSON.stringify(s)} is neither a service name nor a spiffe:// ID`);
      return [...new Set(items)];
    },
    show: (v) => v.join(','),
  };
}

/** The allow list as whole IDs. */
export function allowedIds(allow: string[], trustDomain: string, namespace: string): Set<string> {
  return new Set(allow.map((a) => (a.startsWith('spiffe://') ? a : spiffeId(trustDomain, namespace, a))));
}

export interface Destination {
  /** The service: its DNS name, and the last segment of its SPIFFE ID. */
  service: string;
  /** The port its pods' mesh sidecars take mTLS on. */
  port: number;
  /** The plain-HTTP port on the pod loopback the app calls it through. */
  localPort: number;
}

const PORT = /^[0-9]{1,5}$/;
const asPort = (s: string, what: string) => {
  const n = Number(s);
  if (!PORT.test(s) || n < 1 || n > 65535) throw new RuleError(`${JSON.stringify(s)} is not a port (1-65535) for ${what}`);
  return n;
};

/** `service[:port]=localPort,…`: each destination service, with the local port that leads to it. */
export function outboundList(o: { description: string; defaultPort: number }): Param<Destination[]> {
  return {
    kind: 'string',
    description: o.description,
    default: [],
    rule: 'comma-separated service[:port]=local-port, or empty',
    parse(raw) {
      const out: Destination[] = [];
      for (const item of raw.split(',').map((s) => s.trim())) {
        if (item === '') continue;
        const m = /^([^:=]+)(?::([^=]*))?=(.*)$/.exec(item);
        if (!m) throw new RuleError(`${JSON.stringify(item)} is not service[:port]=local-port`);
        const [, service, port, local] = m as unknown as [string, string, string | undefined, string];
        if (!isServiceName(service)) throw new RuleError(`${JSON.stringify(service)} is not a service name (a DNS label)`);
        const d = { service, port: port === undefined ? o.defaultPort : asPort(port, service), localPort: asPort(local, service) };
        if (out.some((x) => x.service === d.service)) throw new RuleError(`${service} is listed twice`);
        if (out.some((x) => x.localPort === d.localPort)) throw new RuleError(`local port ${d.localPort} is used twice`);
        out.push(d);
      }
      return out;
    },
    show: (v) => v.map((d) => `${d.service}:${d.port}=${d.localPort}`).join(','),
  };
}
