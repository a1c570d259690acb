// How `--with topz` attaches topz to any stack's pod (see scripts/lib/attach.ts). The attached topz
// listens on the pod's network with a per-run bearer token from a mounted directory, so its
// published port is useful from the host and guarded from everyone else.
import { join } from 'node:path';
import type { Attachable } from '../../scripts/lib/attach.js';
import { expect } from '../../scripts/lib/check.js';
import { fetchSnapshot, lookAndCompare, readToken, writeToken } from './verify.js';

export const attachment: Attachable = {
  name: 'topz',
  ports: [9700, 9701],
  portEnv: 'TOPZ_PORT',
  prepare: ({ dir }) => { writeToken(dir); },
  service: ({ dir, ports: [listen, admin] }) => ({
    image: 'sidecar-lab/topz:${SIDECAR_LAB_VERSION:-dev}',
    restart: 'unless-stopped',
    read_only: true,
    cap_drop: ['ALL'],
    security_opt: ['no-new-privileges:true'],
    // A directory, never a single file.
    volumes: [`${dir}:/run/topz:ro`],
    environment: {
      TOPZ_LISTEN_ADDRESS: '0.0.0.0',
      TOPZ_LISTEN_PORT: String(listen),
      TOPZ_ADMIN_PORT: String(admin),
      TOPZ_TOKEN_FILE: '/run/topz/token',
    },
    healthcheck: { interval: '1s' },
  }),
  async describe(project, { dir, ports: [listen] }) {
    const url = `http://${await project.port('pod', listen!)}/`;
    const token = join(dir, 'token');
    return {
      urls: { topz: url },
      files: { 'topz token': token },
      hints: [`curl -H "Authorization: Bearer $(cat ${token})" ${url}api/processes`, `in a browser: ${url}#token=<the token>`],
    };
  },
  checks: ({ dir, ports: [listen], members }) => [{
    name: `attached topz lists every process of the pod members (${members.join(', ')}) and nothing from outside the pod`,
    async run(ctx) {
      const base = `http://${await ctx.project.port('pod', listen!)}`;
      const r = await lookAndCompare(ctx.project, ['pod', 'topz', ...members], () => fetchSnapshot(base, readToken(dir)));
      expect.equal(r.missing.map((p) => `${p.service}: ${p.pid} ${p.name}`), [], 'pod processes (seen by the host) that topz did not list');
      expect.equal(r.foreign.map((p) => `${p.pid} ${p.name}`), [], 'listed processes that are not in the pod');
      expect.ok(r.compared > 0 && r.before.length > members.length, 'processes compared with the host’s view', '> 0', r.compared);
    },
  }],
};
