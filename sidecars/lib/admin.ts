// The admin server every sidecar runs: /healthz (alive), /readyz (can serve), /metrics (Prometheus).
// Its port is what the image's HEALTHCHECK probes (`<sidecar> healthcheck`).
import { createServer, request, type Server } from 'node:http';
import type { Registry } from './metrics.js';

export interface Readiness { ready: boolean; reason?: string }

export function startAdmin(opts: { port: number; address: string; registry: Registry; readiness: () => Readiness | Promise<Readiness> }): Promise<Server> {
  const server = createServer(async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('method not allowed\n');
      return;
    }
    const path = new URL(req.url ?? '/', 'http://admin').pathname;
    if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    } else if (path === '/readyz') {
      const r = await opts.readiness();
      res.writeHead(r.ready ? 200 : 503, { 'content-type': 'text/plain' }).end(r.ready ? 'ready\n' : `not ready: ${r.reason ?? 'starting'}\n`);
    } else if (path === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(opts.registry.render());
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /healthz, /readyz or /metrics\n');
    }
  });
  server.keepAliveTimeout = 5000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.address, () => resolve(server));
  });
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
