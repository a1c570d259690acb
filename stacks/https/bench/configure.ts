// bench:https as the one pinned-pod driver (scripts/bench/driver.ts) runs it: the TLS sidecar (tcp and http
// mode) beside nginx (stream and http) and HAProxy (mode tcp and mode http) terminating TLS, and the upstream
// reached directly. What is particular to it: the --upstream and --only options, its certificate, each
// mode's references, the shape of docs/bench-https.json, and --profile tcp|http.
import type { PodBench, Setup, Values } from '../../../scripts/bench/driver.js';
import { VERSION } from '../../../scripts/lib/config.js';
import { summarize, type Summary } from './aggregate.js';
import { fromSaved, markdown, SECTION, type HttpsConditions } from './report.js';
import { makeCerts, notes, REFERENCES, variantsFor, versions } from './setup.js';

/** nginx serving 1 KB is the upstream (legacy-greeter a reference row), unless --upstream python. */
const fast = (o: Values) => o.upstream !== 'python';

export const HTTPS_BENCH: PodBench<Summary[], HttpsConditions, Setup & { certs: string }> = {
  section: SECTION,
  compose: 'stacks/https/bench',
  options: { upstream: { type: 'string', default: 'fast' }, only: { type: 'string' }, profile: { type: 'string' } },
  variants(o) {
    const all = variantsFor(fast(o));
    const only = typeof o.only === 'string' ? o.only.split(',') : undefined;
    const run = all.filter((v) => v.id === 'direct' || !only || only.includes(v.id));
    return { all, run, upstream: fast(o) ? 'origin' : 'greeter' };
  },
  async setup(state, o) {
    const { dir, ca } = await makeCerts(state);
    const env = { CERT_DIR: dir, GREETER_PORT: fast(o) ? '8080' : '8081' };
    return { env, ca, certs: dir, profiles: fast(o) ? ['fast-upstream'] : [] };
  },
  versions,
  notes: (n, o) => notes({ ...n, fast: fast(o) }),
  // The floor: a bare Bun of the tls-proxy image (with its runtime settings) holding one TLS listener (bench/floor/), idle in the pod.
  floors: (pod) => ({ floorIdleRssMB: Math.round((pod.rss('floor').rss / 2 ** 20) * 10) / 10 }),
  conditions: (c, reps, floors) => ({ ...c, reps, floorIdleRssMB: floors.floorIdleRssMB }),
  fromSaved,
  summarize: (variants, runs) => summarize(variants, runs, 'direct', REFERENCES),
  markdown,
  saved: (rows, conditions, raw) => ({ conditions, results: rows, raw }),
  profiled: (o, s) =>
    o.profile === 'tcp' || o.profile === 'http'
      ? {
          image: `sidecar-lab/tls-proxy:${VERSION}`,
          label: `tls-proxy-${o.profile}`,
          dir: 'bench-https-profile',
          port: 8453,
          tls: true,
          docker: ['-v', `${s.certs}:/etc/tls:ro`],
          args: [
            '--mode',
            o.profile,
            '--listen-port',
            '8453',
            '--admin-port',
            '9953',
            '--upstream-port',
            '8081',
            '--min-tls-version',
            '1.3',
          ],
        }
      : undefined,
};
