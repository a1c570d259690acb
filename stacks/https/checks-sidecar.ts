// Checks 8-9: the sidecar's own contract. Hot certificate rotation, and one-line start-up errors.
import { renameSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { join } from 'node:path';
import { issueServerCert } from '../../scripts/lib/certs.js';
import { eventually, expect, type Check } from '../../scripts/lib/check.js';
import { VERSION } from '../../scripts/lib/config.js';
import * as docker from '../../scripts/lib/docker.js';
import type { StackContext } from '../../scripts/lib/lifecycle.js';
import { caFiles, certDir, get, metrics } from './support.js';

type C = Check<StackContext>;
const RELOAD_ERRORS = 'tls_proxy_certificate_reloads_total{result="error"}';

export const certRotation: C = {
  name: 'replaced certificate files are served to new connections without a restart while an open keep-alive connection keeps working; a broken certificate is refused and the last good one stays',
  async run(ctx) {
    const sideId = await ctx.project.id('tls-proxy');
    const pid0 = (await docker.state(sideId)).pid;
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const before = await get(ctx, '/before-rotation', agent);
      const serial = await issueServerCert(caFiles(ctx), certDir(ctx));
      const fresh = await eventually(
        async () => {
          const r = await get(ctx, '/after-rotation');
          expect.equal(r.serial, serial, 'serial served to a new connection');
          return r;
        },
        { within: 5000 },
      );
      expect.equal(fresh.status, 200, 'status on a new connection after rotation');
      const again = await get(ctx, '/same-connection', agent);
      expect.equal(
        { status: again.status, localPort: again.localPort, serial: again.serial },
        { status: 200, localPort: before.localPort, serial: before.serial },
        'the open keep-alive connection: same socket, old certificate, still answering',
      );

      // A broken replacement: garbage renamed over the certificate.
      const errors0 = (await metrics(ctx)).get(RELOAD_ERRORS) ?? 0;
      const tmp = join(certDir(ctx), '.tls.crt.tmp');
      writeFileSync(tmp, '-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n');
      renameSync(tmp, join(certDir(ctx), 'tls.crt'));
      const errors1 = await eventually(
        async () => {
          const n = (await metrics(ctx)).get(RELOAD_ERRORS) ?? 0;
          expect.ok(n > errors0, 'the broken certificate is counted as a failed reload', `${RELOAD_ERRORS} > ${errors0}`, n);
          return n;
        },
        { within: 5000 },
      );
      const still = await get(ctx, '/after-broken');
      expect.equal(still.serial, serial, `serial served after the broken replacement (${errors1 - errors0} failed reload)`);
      expect.equal((await docker.state(sideId)).pid, pid0, 'the sidecar was never restarted');

      // Leave a good pair behind.
      const last = await issueServerCert(caFiles(ctx), certDir(ctx));
      await eventually(async () => expect.equal((await get(ctx, '/restored')).serial, last, 'serial after a good pair is put back'), {
        within: 5000,
      });
    } finally {
      agent.destroy();
    }
  },
};

export const badParameters: C = {
  name: 'a bad parameter (missing certificate file, port 70000, unknown TLS_PROXY_ variable) stops the sidecar at start with one line that names it',
  async run() {
    const image = `sidecar-lab/tls-proxy:${VERSION}`;
    const cases: [string[], RegExp][] = [
      [
        [image, '--cert-file', '/etc/tls/missing.crt'],
        /^tls-proxy: invalid --cert-file \(TLS_PROXY_CERT_FILE\): \/etc\/tls\/missing\.crt does not exist/,
      ],
      [
        [image, '--listen-port', '70000'],
        /^tls-proxy: invalid --listen-port \(TLS_PROXY_LISTEN_PORT\): "70000" is not a port \(1-65535\)$/,
      ],
      [['-e', 'TLS_PROXY_LISTEN_PROT=8443', image], /^tls-proxy: unknown environment variable: TLS_PROXY_LISTEN_PROT /],
    ];
    for (const [args, line] of cases) {
      const r = await docker.runOnce(['--network', 'none', ...args]);
      const lines = r.stderr.trim().split('\n');
      expect.equal({ code: r.code, lines: lines.length }, { code: 2, lines: 1 }, `exit code and stderr line count for ${args.join(' ')}`);
      expect.match(lines[0]!, line, `the one stderr line for ${args.join(' ')}`);
    }
  },
};
