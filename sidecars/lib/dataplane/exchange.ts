// One request of a session, from its parsed head: the head the app gets (rewritten, with the route's
// headers), how its body is framed on the way, whether the connection stays open, and its route. What a
// session needs from its proxy is here too. openExchange throws HttpError for a request to refuse.
import type { Logger } from '../log.js';
import { HttpError, parseTarget } from '../http.js';
import { ChunkedReader } from './chunked.js';
import { requestHead } from './forwarded.js';
import { parseHead } from './request-parser.js';
import type { Framing } from './response-head.js';
import type { Route, Router } from './route.js';
import type { UpstreamConnection } from './upstream.js';

/** What a session needs from the proxy it belongs to. */
export interface SessionContext {
  log: Logger;
  listenPort: number;
  hsts?: string;
  idleTimeoutMs: number;
  /** A request head must be complete this long after its first byte (a deadline: more bytes do not extend it). */
  headerTimeoutMs: number;
  /** A request body longer than this is refused with a 413 (declared) or cut with one (chunked). */
  maxBodyBytes: number;
  draining: () => boolean;
  /** Requests whose last try failed before a response head, or whose response the app cut. */
  upstreamErrors: { inc(): void };
  /** Where each request goes, what a failed try leads to, and who counts how each ended. */
  router: Router;
  /** The Host sent when the client gave none (HTTP/1.0). */
  defaultHost: string;
  /** X-Forwarded-Proto for the app: https behind TLS. */
  proto?: 'https' | 'http';
}

export interface Exchange {
  method: string;
  path: string;
  head: string;
  /** Content-Length bytes still to send, or the chunked reader, or nothing (no body). */
  left: number;
  chunked?: ChunkedReader;
  conn?: UpstreamConnection;
  /** The client asked to close, is HTTP/1.0, or its request was not read to the end. */
  close: boolean;
  http10: boolean;
  framing?: Framing;
  answered: boolean;
  status: number;
  /** The response head, written with the first body bytes. */
  pending?: Buffer;
  route: Route;
  /** The timer of the try in flight, until the response head: per try, or the overall deadline if sooner. */
  tryTimer?: NodeJS.Timeout;
  /** When the overall timeout ends (ms since the epoch), if the route has one; set once the request is read. */
  deadlineAt?: number;
  /** The timeouts run (from the end of the request); the try's timer is the overall deadline's. */
  clockStarted?: boolean;
  tryIsDeadline?: boolean;
  over: boolean;
}

const CLOSE = /(?:^|,)\s*close\s*(?:,|$)/;
const KEEP_ALIVE = /(?:^|,)\s*keep-alive\s*(?:,|$)/;

/** The exchange of a complete request head (its bytes up to the blank line), and whether to send 100 Continue. */
export function openExchange(bytes: Buffer, clientIp: string, c: SessionContext): { ex: Exchange; expectContinue: boolean } {
  const req = parseHead(bytes, bytes.length);
  const target = parseTarget(req.method, req.target);
  const r = requestHead(req, target, clientIp, c.listenPort, c.defaultHost, {
    proto: c.proto,
    drop: c.router.drop,
    maxBody: c.maxBodyBytes,
  });
  const { body, length } = r;
  const raw = req.rawHeaders;
  // Only what requestHead does not read itself: whether the connection stays open, and Expect.
  let close = req.httpVersionMinor === 0,
    expect: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (name === 'connection') {
      const v = raw[i + 1]!.toLowerCase();
      if (CLOSE.test(v)) close = true;
      else if (req.httpVersionMinor === 0 && KEEP_ALIVE.test(v)) close = false;
    } else if (name === 'expect') expect = raw[i + 1]!.toLowerCase();
  }
  if (expect !== undefined && expect !== '100-continue')
    throw new HttpError(417, 'expectation failed: only 100-continue is known', { connection: 'close' });
  // Last: a route may take a share of something (a pending-request slot) that only done() gives back.
  const route = c.router.route({ method: req.method, path: target.path, rawHeaders: raw, body });
  const ex: Exchange = {
    route,
    over: false,
    method: req.method,
    path: target.path,
    head: route.headers ? `${r.head.slice(0, -2)}${route.headers}\r\n` : r.head,
    left: body === 'length' ? length : 0,
    chunked: body === 'chunked' ? new ChunkedReader(c.maxBodyBytes) : undefined,
    close,
    http10: req.httpVersionMinor === 0,
    answered: false,
    status: 0,
  };
  return { ex, expectContinue: expect !== undefined && body !== 'none' };
}
