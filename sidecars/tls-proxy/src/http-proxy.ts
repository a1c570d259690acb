// L7 mode: an HTTP/1.1 reverse proxy to the app over the pod loopback, on the decrypted TLS stream, built on
// the shared data plane (sidecars/lib/dataplane/, whose README is its contract; mesh-proxy stands on it too).
// Each client connection is an HttpSession; its one route goes to the app over a keep-alive pool, and
// counts each request's status class and duration as it ends. Both sides are Bun's native sockets
// (NativeConn). This module makes the sessions.
import type { Conn } from '../../lib/conn.js';
import type { Counter, Histogram } from '../../lib/metrics.js';
import { safePath } from '../../lib/http.js';
import type { Logger } from '../../lib/log.js';
import { byClass, dial, HttpSession, type Router, type SessionContext, singlePool, UpstreamPool } from '../../lib/dataplane/index.js';

export { forwardedHeaders } from '../../lib/dataplane/index.js';

export interface HttpProxyOptions {
  upstreamHost: string;
  upstreamPort: number;
  listenPort: number;
  hsts: string | undefined;
  log: Logger;
  /** Log each request as it ends: method, path without its query, status and duration. */
  accessLog: boolean;
  /** requests_total, by status class, and request_duration_seconds: counted by the route as each request ends. */
  requests: Counter;
  upstreamErrors: Counter;
  duration: Histogram;
  /** An idle keep-alive client connection is closed after this. */
  idleTimeoutMs: number;
  /** A request head must be complete this long after its first byte. */
  headerTimeoutMs: number;
  /** A longer request body is refused with a 413. */
  maxBodyBytes: number;
  /** True while draining: responses ask the client to close. */
  draining: () => boolean;
}

/** tls-proxy's one route, to the app, counting (and, with --access-log, logging) each request as it ends. */
function countedRoute(pool: UpstreamPool, o: HttpProxyOptions): Router {
  const count = byClass(o.requests);
  const app = singlePool(pool);
  return {
    refused: count,
    route(req) {
      const base = app.route(req);
      const t0 = process.hrtime.bigint();
      return {
        ...base,
        done(status, conn) {
          base.done(status, conn);
          // 0: the connection was cut, with no status for the client.
          if (status === 0) return;
          count(status);
          const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
          o.duration.observe(seconds);
          if (o.accessLog)
            o.log.info('request', {
              method: req.method,
              path: safePath(req.path.split('?')[0]),
              status,
              ms: Math.round(seconds * 1e4) / 10,
            });
        },
      };
    },
  };
}

export function createHttpProxy(o: HttpProxyOptions) {
  const pool = new UpstreamPool(o.upstreamHost, o.upstreamPort, 256, () => dial(o.upstreamHost, o.upstreamPort));
  const ctx: SessionContext = {
    ...o,
    router: countedRoute(pool, o),
    defaultHost: `${o.upstreamHost}:${o.upstreamPort}`,
  };
  const sessions = new Set<HttpSession>();
  return {
    pool,
    /** Serves HTTP/1.1 on a socket whose TLS handshake is done. */
    accept(socket: Conn): void {
      const s = new HttpSession(socket, ctx);
      sessions.add(s);
      socket.once('close', () => sessions.delete(s));
    },
    /** Closes every connection that waits for its next request; the others close after their response. */
    closeIdle(): void {
      for (const s of sessions) s.closeIfIdle();
    },
    /** Connections that linger after their last answer, until their deadline. */
    lingering: (): number => [...sessions].filter((s) => !s.open).length,
  };
}
