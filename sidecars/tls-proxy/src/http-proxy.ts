// L7 mode: an HTTP/1.1 reverse proxy to the app over the pod loopback. Client requests are parsed
// by Node's HTTPS server, their targets by the shared guard (start.ts); they go to the app over
// kept-alive connections (upstream.ts) with the head forwarded.ts builds, or are refused with the
// HttpError it throws. The app's responses are streamed back.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Target } from '../../lib/http.js';
import type { Counter, Histogram } from '../../lib/metrics.js';
import type { Logger } from '../../lib/log.js';
import { requestHead, responseHeaders } from './forwarded.js';
import { UpstreamPool, type UpstreamConnection } from './upstream.js';

export { forwardedHeaders } from './forwarded.js';

export interface HttpProxyOptions {
  upstreamHost: string;
  upstreamPort: number;
  listenPort: number;
  hsts: string | undefined;
  log: Logger;
  requests: Counter;
  upstreamErrors: Counter;
  duration: Histogram;
  /** True while draining: responses ask the client to close. */
  draining: () => boolean;
}

/** Methods a proxy may send again on its own (RFC 9110 §9.2.2). */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);

const BAD_GATEWAY = 'bad gateway: the app behind this TLS proxy did not answer\n';

export function createHttpHandler(o: HttpProxyOptions) {
  const pool = new UpstreamPool(o.upstreamHost, o.upstreamPort);
  const defaultHost = `${o.upstreamHost}:${o.upstreamPort}`;
  // requests_total by status class, each series made on its first request.
  const byClass = new Map<number, { inc(): void }>();
  const countStatus = (status: number) => {
    const cls = Math.floor(status / 100);
    let s = byClass.get(cls);
    if (!s) byClass.set(cls, (s = o.requests.series({ code: `${cls}xx` })));
    s.inc();
  };

  /** Throws an HttpError (for the guard to answer) when the request must not reach the app. */
  const handler = (req: IncomingMessage, res: ServerResponse, target: Target) => {
    const t0 = process.hrtime.bigint();
    const { head, body } = requestHead(req, target, req.socket.remoteAddress ?? '', o.listenPort, defaultHost);
    let conn: UpstreamConnection | undefined;
    let requestSent = false;
    let finished = false;

    const badGateway = (err: Error) => {
      o.upstreamErrors.inc();
      o.log.warn('upstream error', { err, upstream: defaultHost, path: req.url });
      if (!res.headersSent) {
        countStatus(502);
        res.writeHead(502, { 'content-type': 'text/plain', connection: 'close' }).end(BAD_GATEWAY);
      } else {
        // The client has part of a response: cut it rather than leave it waiting for the rest.
        res.destroy();
      }
    };

    const attempt = (retry: boolean) => {
      const c = (conn = pool.acquire(!retry));
      c.start(req.method ?? 'GET', {
        head(h) {
          try {
            res.writeHead(h.status, h.reason, responseHeaders(h.headers, { hsts: o.hsts, close: o.draining() }));
          } catch (e) {
            c.destroy();
            badGateway(new Error(`the app sent a response Node refuses to pass on: ${(e as Error).message}`));
          }
        },
        data(chunks, done) {
          if (res.destroyed) return;
          const last = done ? chunks.pop() : undefined;
          let ok = true;
          for (const chunk of chunks) ok = res.write(chunk);
          if (done) {
            finished = true;
            res.end(last);
            countStatus(res.statusCode);
            o.duration.observe(Number(process.hrtime.bigint() - t0) / 1e9);
            if (requestSent) pool.release(c);
            else {
              c.destroy();
              req.resume();
            } // an early answer: the rest of the request body is read and dropped
          } else if (!ok) {
            c.socket.pause();
            res.once('drain', () => c.socket.resume());
          }
        },
        error(err, started) {
          // A kept-alive connection the app closed just as it was reused: try once more on a new one, but
          // only an idempotent request (RFC 9110 §9.2.2): a POST may already have been acted on.
          if (retry && c.reused && !started && body === 'none' && IDEMPOTENT.has(req.method ?? '')) return attempt(false);
          badGateway(err);
        },
      });
      // latin1: header values carry obs-text bytes (0x80-0xFF) as Node read them, one char per byte.
      c.socket.write(head, 'latin1');
      if (body === 'none') requestSent = true;
    };
    attempt(true);

    if (body !== 'none') {
      const chunked = body === 'chunked';
      req.on('data', (chunk: Buffer) => {
        if (finished) return;
        const up = conn!.socket;
        if (chunked) {
          up.cork();
          up.write(`${chunk.length.toString(16)}\r\n`);
          up.write(chunk);
          up.write('\r\n');
          up.uncork();
        } else {
          up.write(chunk);
        }
        if (up.writableNeedDrain) {
          req.pause();
          up.once('drain', () => req.resume());
        }
      });
      req.on('end', () => {
        if (finished) return;
        if (chunked) conn!.socket.write('0\r\n\r\n');
        requestSent = true;
      });
    }
    // The client went away before the response was done: the app's connection cannot be reused.
    res.once('close', () => {
      if (!finished) conn?.destroy();
    });
  };
  return { handler, pool, countStatus };
}
