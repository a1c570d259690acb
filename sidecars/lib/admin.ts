// The admin server every sidecar runs: /healthz (alive), /readyz (can serve), /metrics (Prometheus).
// Its port is what the image's HEALTHCHECK probes (`<sidecar> healthcheck`). It runs on Bun's native sockets
// with the data plane's strict head reader (admin-session.ts), not on node:http: loading node:http, and the
// node:net and node:crypto it brings, cost every sidecar 2-3 MiB of resident memory for three paths.
// No request can take the sidecar down: a refused one gets its 4xx, a failed handler a 500 and a log line, and a
// readiness check that hangs a 503 after answerTimeoutMs.
import { type AdminHandler, plain } from './admin-answer.js';
import { AdminSession } from './admin-session.js';
import type { Conn } from './conn.js';
import { listenPlain } from './dataplane/index.js';
import { probe200 } from './health.js';
import { bindOrExplain } from './listen.js';
import type { Logger } from './log.js';
import type { Registry } from './metrics.js';
import { HttpError } from './target.js';

export interface Readiness {
  ready: boolean;
  reason?: string;
}

/** The admin listener: as much of a node:http Server as its callers use. */
export interface AdminServer {
  address(): { address: string; family: string; port: number };
  /** Stops accepting, closes the connections that wait for a request and the others after their next answer;
   * cb once every connection is closed. */
  close(cb?: (err?: Error) => void): void;
  /** Cuts every open connection. */
  closeAllConnections(): void;
}

/** How long a connection may wait for its next request. */
const KEEP_ALIVE_MS = 5000;

export async function startAdmin(opts: {
  port: number;
  address: string;
  log: Logger;
  registry: Registry;
  readiness: () => Readiness | Promise<Readiness>;
  /** A request head must be complete this long after its first byte (10 s), whatever trickles in. */
  headerTimeoutMs?: number;
  /** A readiness check must answer this long after it is asked (5 s), or the client gets a 503. */
  answerTimeoutMs?: number;
  /** Called when a readiness check missed answerTimeoutMs and its /readyz got a 503. */
  readinessLate?: () => void;
}): Promise<AdminServer> {
  const handler: AdminHandler = async (method, target) => {
    if (method !== 'GET' && method !== 'HEAD') throw new HttpError(405, 'method not allowed', { allow: 'GET, HEAD' });
    const path = target.url.pathname;
    if (path === '/healthz') return plain(200, 'ok\n');
    if (path === '/readyz') {
      const r = await opts.readiness();
      return r.ready ? plain(200, 'ready\n') : plain(503, `not ready: ${r.reason ?? 'starting'}\n`);
    }
    if (path === '/metrics') return plain(200, opts.registry.render(), 'text/plain; version=0.0.4');
    throw new HttpError(404, 'not found: try /healthz, /readyz or /metrics');
  };
  const sessions = new Map<Conn, AdminSession>();
  /** Callers of close() waiting for the last connection to close. */
  const closed: ((err?: Error) => void)[] = [];
  const options = {
    log: opts.log,
    handler,
    headerTimeoutMs: opts.headerTimeoutMs ?? 10_000,
    keepAliveMs: KEEP_ALIVE_MS,
    answerTimeoutMs: opts.answerTimeoutMs ?? 5000,
    late: (pathname: string) => {
      if (pathname === '/readyz') opts.readinessLate?.();
    },
  };
  const listener = await bindOrExplain(
    () =>
      listenPlain(
        opts.address,
        opts.port,
        (conn) => {
          sessions.set(conn, new AdminSession(conn, options));
          conn.once('close', () => {
            sessions.delete(conn);
            if (!sessions.size) for (const cb of closed.splice(0)) cb();
          });
        },
        // allowHalfOpen: a client that half-closes after its request still gets its answer; the session ends the connection.
        true,
      ),
    opts.port,
    opts.address,
    { port: 'adminPort', address: 'adminAddress' },
  );
  let stopped = false;
  return {
    address: () => ({ address: opts.address, family: opts.address.includes(':') ? 'IPv6' : 'IPv4', port: listener.port }),
    close(cb) {
      if (!stopped) listener.stop(false);
      stopped = true;
      if (cb) closed.push(cb);
      for (const s of sessions.values()) s.stop();
      if (!sessions.size) for (const f of closed.splice(0)) f();
    },
    closeAllConnections() {
      for (const s of sessions.values()) s.cut();
    },
  };
}

/** The HEALTHCHECK probe: GET `path` on the admin port; resolves true on 200 within the timeout. */
export const probe = (port: number, path = '/healthz', timeoutMs = 2000): Promise<boolean> => probe200(port, path, timeoutMs);
