// The admin server every sidecar runs: /healthz (alive), /readyz (can serve), /metrics (Prometheus).
// Its port is what the image's HEALTHCHECK probes (`<sidecar> healthcheck`). It serves through the
// shared guard, so no request can take the sidecar down.
import { request, type Server } from 'node:http';
import { HttpError, serve } from './http.js';
import { listen } from './listen.js';
import type { Logger } from './log.js';
import type { Registry } from './metrics.js';

export interface Readiness {
  ready: boolean;
  reason?: string;
}

export async function startAdmin(opts: {
  port: number;
  address: string;
  log: Logger;
  registry: Registry;
  readiness: () => Readiness | Promise<Readiness>;
  /** A request head must be complete this long after its first byte (10 s), whatever trickles in. */
  headerTimeoutMs?: number;
}): Promise<Server> {
  const server = serve(
    async (req, res, target) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'method not allowed', { allow: 'GET, HEAD' });
      const path = target.url.pathname;
      const send = (status: number, type: string, body: string) =>
        res.writeHead(status, { 'content-type': type }).end(req.method === 'HEAD' ? undefined : body);
      if (path === '/healthz') {
        send(200, 'text/plain', 'ok\n');
      } else if (path === '/readyz') {
        const r = await opts.readiness();
        send(r.ready ? 200 : 503, 'text/plain', r.ready ? 'ready\n' : `not ready: ${r.reason ?? 'starting'}\n`);
      } else if (path === '/metrics') {
        send(200, 'text/plain; version=0.0.4', opts.registry.render());
      } else {
        throw new HttpError(404, 'not found: try /healthz, /readyz or /metrics');
      }
    },
    { log: opts.log, requestTimeoutMs: 10_000, headersTimeoutMs: opts.headerTimeoutMs ?? 10_000 },
  );
  await listen(server, opts.port, opts.address, { port: 'adminPort', address: 'adminAddress' });
  return server;
}

/** The HEALTHCHECK probe: GET /healthz on the admin port; resolves true on 200 within the timeout. */
export function probe(port: number, path = '/healthz', timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}
