// L7 mode: an HTTP/1.1 reverse proxy to the app over the pod loopback, on the decrypted TLS stream, built on
// the shared data plane in sidecars/lib/dataplane/ (mesh-proxy stands on the same modules).
// It parses only request heads (request-parser.ts, strict) and rewrites them (forwarded.ts); bodies
// are streamed, chunked ones re-framed (chunked.ts). Each client connection is an HttpSession; the
// app's connections are kept alive in a pool (upstream.ts) and its responses framed by
// ResponseParser (response-head.ts writes what the client gets). This module makes the sessions.
import type { Socket } from 'node:net';
import type { Counter, Histogram } from '../../lib/metrics.js';
import type { Logger } from '../../lib/log.js';
import { HttpSession, type SessionContext } from '../../lib/dataplane/http-session.js';
import { singlePool } from '../../lib/dataplane/route.js';
import { UpstreamPool } from '../../lib/dataplane/upstream.js';

export { forwardedHeaders } from '../../lib/dataplane/forwarded.js';

export interface HttpProxyOptions {
  upstreamHost: string;
  upstreamPort: number;
  listenPort: number;
  hsts: string | undefined;
  log: Logger;
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

export function createHttpProxy(o: HttpProxyOptions) {
  const pool = new UpstreamPool(o.upstreamHost, o.upstreamPort);
  // requests_total by status class, each series made on its first request.
  const byClass = new Map<number, { inc(): void }>();
  const countStatus = (status: number) => {
    const cls = Math.floor(status / 100);
    let s = byClass.get(cls);
    if (!s) byClass.set(cls, (s = o.requests.series({ code: `${cls}xx` })));
    s.inc();
  };
  const ctx: SessionContext = {
    ...o,
    router: singlePool(pool),
    defaultHost: `${o.upstreamHost}:${o.upstreamPort}`,
    countStatus,
  };
  const sessions = new Set<HttpSession>();
  return {
    pool,
    countStatus,
    /** Serves HTTP/1.1 on a socket whose TLS handshake is done. */
    accept(socket: Socket): void {
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
