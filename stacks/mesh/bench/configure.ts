// bench:mesh as the one pinned-pod driver (scripts/bench/driver.ts) runs it: a mesh hop pair (app → outbound
// sidecar → mTLS → inbound sidecar → app) through two mesh-proxy sidecars, beside the same path through two
// HAProxy instances configured as mTLS proxies, and the app reached directly. What is particular to it: its
// throwaway mesh PKI, the pair-to-pair comparison, the shape of docs/bench-mesh.json, and --profile.
import type { PodBench, Setup } from '../../../scripts/bench/driver.js';
import { VERSION } from '../../../scripts/lib/config.js';
import { join } from 'node:path';
import { markdown, report, SECTION, type MeshConditions } from './report.js';
import { makePki, NAMESPACE, notes, VARIANTS, versions } from './setup.js';

/** The profiled mesh-proxy does both halves: its outbound listener (15003) calls its own inbound port (15036) over mTLS. */
const BOTH_HALVES = `--service app --namespace ${NAMESPACE} --allow app --outbound app:15036=15003 --inbound-port 15036 --app-port 8081 --admin-port 9935`;

export const MESH_BENCH: PodBench<ReturnType<typeof report>, MeshConditions, Setup & { ids: string }> = {
  section: SECTION,
  compose: 'stacks/mesh/bench',
  options: { profile: { type: 'boolean', default: false } },
  variants: () => ({ all: VARIANTS, run: VARIANTS, upstream: 'origin' }),
  async setup(state) {
    const pki = await makePki(state);
    return { env: { ID_DIR: pki.ids, HAPROXY_TLS_DIR: pki.haproxy }, ca: pki.ca, ids: pki.ids };
  },
  versions: (pod) => versions(pod),
  notes: (n) => notes(n),
  conditions: (c, rounds) => ({ ...c, rounds }),
  summarize: report,
  markdown: (r, c) => markdown(r, c),
  saved: ({ rows, vs, floorVs }, conditions, raw) => ({
    conditions,
    results: rows.map((r) => ({ id: r.id, label: r.label })),
    summaries: rows,
    comparison: vs,
    floorComparison: floorVs,
    raw,
  }),
  profiled: (o, s) =>
    o.profile
      ? {
          image: `sidecar-lab/mesh-proxy:${VERSION}`,
          label: 'mesh-proxy-pair',
          dir: 'bench-mesh-profile',
          port: 15003,
          tls: false,
          docker: ['-v', `${join(s.ids, 'app')}:/etc/mesh/identity:ro`],
          args: BOTH_HALVES.split(' '),
        }
      : undefined,
};
