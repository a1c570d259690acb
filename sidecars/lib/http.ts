// The one way a sidecar serves HTTP. Every listener's handler goes through guard(): the request
// target is parsed strictly (400 when it cannot be), a handler that throws or rejects gets a 500 and
// one JSON log line, a refused request (HttpError) gets its status, and no exception reaches the
// process. serve() adds what the server itself needs: malformed requests answered 4xx, a request
// timeout that is enforced when it says, and errors on the server or its sockets logged, not thrown.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import { lingerClose } from './linger.js';
import type { Logger } from './log.js';
import { MAX_TIMER_MS } from './params.js';
import { escapeControls } from './parse.js';
import { HttpError, parseTarget, type Target } from './target.js';

export { HttpError, parseTarget, type Target } from './target.js';

export type Handler = (req: IncomingMessage, res: ServerResponse, target: Target) => void | Promise<void>;

export interface GuardOptions {
  log: Logger;
  /** Time from the request's head to its last body byte; past it, 408 (or a cut connection). */
  requestTimeoutMs?: number;
  /** Called for every answer the guard itself gives (400, 408, 413, 500, ...), for metrics. */
  onRefused?: (status: number) => void;
}

/** Wraps a handler so that nothing it does, and no request it gets, can escape as an exception. */
export function guard(handler: Handler, o: GuardOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const refuse = (req: IncomingMessage, res: ServerResponse, e: unknown) => {
    const err = e instanceof Error ? e : new Error(String(e));
    try {
      // The client went away, or the request timer already answered: no one is left to answer, and
      // nothing of ours failed (a body read rejects with "aborted" then). Closed, logged at debug, not counted.
      // A request whose body was read to its end is destroyed too (Node and Bun): complete tells the two apart.
      if (res.destroyed || (req.destroyed && !req.complete) || res.writableEnded) {
        o.log.debug('request ended before its answer', { err, method: req.method, path: safePath(req.url) });
        res.destroy();
        return;
      }
      const known = e instanceof HttpError;
      const status = known ? e.status : 500;
      if (!known) o.log.error('handler failed', { err, method: req.method, path: safePath(req.url) });
      o.onRefused?.(status);
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const text = `${known ? e.message : 'internal error'}\n`;
      const headers = {
        'content-type': 'text/plain; charset=utf-8',
        'content-length': String(Buffer.byteLength(text)),
        ...(known ? e.headers : {}),
      };
      res.writeHead(status, headers).end(req.method === 'HEAD' ? undefined : text);
    } catch {
      // A logger, a metric or a header value that throws must not escape either.
      res.destroy();
    }
  };
  return (req, res) => {
    req.on('error', () => res.destroy());
    res.on('error', () => res.destroy());
    if (o.requestTimeoutMs) {
      const timer = setTimeout(() => {
        if (req.complete) return;
        o.onRefused?.(408);
        // An answer that went out before the body ended (a 413) must still be read: the connection
        // lingers (linger.ts) rather than reset, which would destroy the answer in the client's hands.
        if (res.headersSent) {
          if (res.writableFinished) lingerClose(req.socket);
          else req.socket.destroy();
          return;
        }
        res
          .writeHead(408, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' })
          .end(`request timeout: the request was not complete within ${o.requestTimeoutMs} ms\n`, () => lingerClose(req.socket));
      }, o.requestTimeoutMs);
      timer.unref();
      // Kept until the request itself is over: a body still being drained after an early answer
      // (a 413) is bounded by the same timeout.
      req.once('close', () => clearTimeout(timer));
    }
    try {
      const target = parseTarget(req.method ?? '', req.url);
      const done = handler(req, res, target);
      if (done && typeof done.then === 'function') done.then(undefined, (e: unknown) => refuse(req, res, e));
    } catch (e) {
      refuse(req, res, e);
    }
  };
}

/** Makes a request line safe to log: bounded, and with control characters escaped. */
export const safePath = (url: string | undefined) => escapeControls((url ?? '').slice(0, 200));

/** Answers what Node's parser refuses, as Node would, but also logs it and never lets an error escape. */
export function harden(server: Server | HttpsServer, o: { log: Logger; onRefused?: (status: number) => void }): void {
  // The last exchange on each connection. Node also keeps it as socket._httpMessage, Bun does not: a body
  // that turns out malformed after the answer began would get a second answer (a 400 after the 200).
  const last = new WeakMap<Socket, { req: IncomingMessage; res: ServerResponse }>();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => last.set(req.socket, { req, res }));
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    // Only a request Node's parser refused (HPE_*) or a request timeout gets an answer. A client that
    // went away, a TLS handshake that failed (an https server reports those here too: there is no
    // session to answer on), or a socket whose response has already begun is closed.
    const parserError = err.code?.startsWith('HPE_') || err.code === 'ERR_HTTP_REQUEST_TIMEOUT';
    const x = last.get(socket);
    const started =
      (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent ||
      (x?.res.headersSent && !(x.req.complete && x.res.writableFinished));
    if (!parserError || err.code === 'HPE_INVALID_EOF_STATE' || started || !socket.writable) {
      socket.destroy();
      return;
    }
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    o.onRefused?.(status);
    o.log.debug('malformed request', { code: err.code, status });
    const reason = status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request';
    socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  });
  server.on('error', (err) => o.log.error('server error', { err }));
}

export interface ServeOptions extends GuardOptions {
  keepAliveTimeoutMs?: number;
  /** Time to receive a request's head; enforced to within a second. */
  headersTimeoutMs?: number;
}

/** A plain HTTP server whose every request goes through guard() and whose every error is handled. */
export function serve(handler: Handler, o: ServeOptions): Server {
  const headersTimeout = o.headersTimeoutMs ?? 10_000;
  const server = createServer(
    { requestTimeout: 0, headersTimeout, connectionsCheckingInterval: Math.min(1000, headersTimeout) },
    guard(handler, o),
  );
  // Node arms the keep-alive timer one second past what it is given: keep that inside a timer's range.
  server.keepAliveTimeout = Math.min(o.keepAliveTimeoutMs ?? 5000, MAX_TIMER_MS - 1000);
  harden(server, o);
  return server;
}

/** Reads a body of at most `limit` bytes; a larger one is an HttpError(413) that the client receives. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) return Promise.reject(tooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0,
      over = false;
    // Past the limit the rest is read and dropped (not reset), so the 413 reaches the client.
    req.on('data', (c: Buffer) => {
      if (over) return;
      size += c.length;
      if (size <= limit) chunks.push(c);
      else {
        over = true;
        chunks.length = 0;
        reject(tooLarge(limit));
      }
    });
    req.on('end', () => {
      if (!over) resolve(Buffer.concat(chunks));
    });
    req.on('error', reject);
  });
}

const tooLarge = (limit: number) => new HttpError(413, `payload too large: the limit is ${limit} bytes`);
