// The proxy variables, as `doctor --room` shows them: each that is set, a password never shown. Every image
// build receives them (scripts/lib/proxy.ts); a proxy URL that does not parse fails here, before a build would.
import { proxyEnv, redactProxy } from '../proxy.js';
import type { Finding } from './finding.js';
import type { OsKind } from './platform.js';
import { remedy } from './remedies.js';

const parses = (value: string) => {
  try {
    new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`);
    return true;
  } catch {
    return false;
  }
};

export function proxyFinding(env: NodeJS.ProcessEnv, os: OsKind): Finding {
  const set = Object.entries(proxyEnv(env));
  const bad = set.filter(([k, v]) => !/no_proxy/i.test(k) && !parses(v)).map(([k]) => k);
  return {
    ok: bad.length === 0,
    what: 'proxy variables (passed to every image build)',
    detail: set.length
      ? `${set.map(([k, v]) => `${k}=${redactProxy(v)}`).join(' ')}${bad.length ? `; not a URL: ${bad.join(', ')}` : ''}`
      : 'none set',
    remedy: remedy('proxy', os),
  };
}
