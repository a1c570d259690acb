// What `--with topz` adds to the checks of any stack topz is attached to (found by scripts/lib/scenarios.ts):
// the attached topz, asked with its per-run token, lists exactly the pod's processes as the host sees them.
import { expect } from '../../scripts/lib/check.js';
import { readSecret } from '../../scripts/lib/secret.js';
import type { AttachedChecks } from '../../scripts/lib/scenarios.js';
import { fetchSnapshot, lookAndCompare } from './oracle.js';

const attached: AttachedChecks = {
  topz: ({ ports, secret, members }) => [
    {
      name: `attached topz lists every process of the pod members (${members.join(', ')}) and nothing from outside the pod`,
      async run(ctx) {
        const base = `http://${await ctx.project.port('pod', ports.http!)}`;
        const r = await lookAndCompare(ctx.project, ['pod', 'topz', ...members], () => fetchSnapshot(base, readSecret(secret!)));
        expect.equal(
          r.missing.map((p) => `${p.service}: ${p.pid} ${p.name}`),
          [],
          'pod processes (seen by the host) that topz did not list',
        );
        expect.equal(
          r.foreign.map((p) => `${p.pid} ${p.name}`),
          [],
          'listed processes that are not in the pod',
        );
        expect.ok(r.compared > 0 && r.before.length > members.length, 'processes compared with the host’s view', '> 0', r.compared);
      },
    },
  ],
};

export default attached;
