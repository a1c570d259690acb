// npm run soak -- https: 6,000 requests a minute through tls-proxy, paced at 100 a second, nine in ten
// over four keep-alive connections and one in ten on a connection of its own (a full handshake), while the
// server certificate is replaced halfway through every minute, as a renewal does.
import { Agent } from 'node:https';
import { sleep } from 'zx';
import { issueServerCert } from '../../scripts/lib/certs.js';
import type { StackContext } from '../../scripts/lib/lifecycle.js';
import type { Soak } from '../../scripts/lib/stack-types.js';
import { httpsGet } from '../../scripts/lib/tls-client.js';
import { caFiles, caPem, certDir, endpoints } from './support.js';

const WORKERS = 4;
const PER_WORKER_MS = 40; // 25 a second each

async function minute(ctx: StackContext) {
  const { https } = await endpoints(ctx);
  const ca = caPem(ctx);
  const agent = new Agent({ keepAlive: true, maxSockets: WORKERS, ca });
  const t0 = Date.now(),
    end = t0 + 60_000;
  let requests = 0,
    failed = 0;
  const rotation = sleep(30_000).then(() => issueServerCert(caFiles(ctx), certDir(ctx)));
  await Promise.all(
    Array.from({ length: WORKERS }, async (_, w) => {
      for (let n = 0; ; n++) {
        const due = t0 + n * PER_WORKER_MS;
        if (due >= end) return;
        if (due > Date.now()) await sleep(due - Date.now());
        try {
          const r = await httpsGet(`${https}soak/${w}/${n}`, { ca, agent: n % 10 === 0 ? undefined : agent, timeoutMs: 10_000 });
          if (r.status !== 200) failed++;
        } catch {
          failed++;
        }
        requests++;
      }
    }),
  );
  await rotation;
  agent.destroy();
  return { requests, failed, rotations: 1 };
}

const soak: Soak = {
  sidecars: ['tls-proxy'],
  load: '6,000 HTTPS requests a minute, paced at 100 a second (nine in ten over 4 keep-alive connections, one in ten on a new connection); the server certificate replaced once a minute',
  minute,
};
export default soak;
