// The request head L7 mode sends the app, built from what request-parser.ts read, or the refusal the client
// gets instead. Only what RFC 9112 allows is forwarded: one valid Host (or the authority of an
// absolute-form target, which wins over it, §3.2.2), an origin-form target, a body framed one way, and
// the client's header lines byte for byte (obs-text included) minus those hop-by-hop.ts drops. The app
// is told who the client is (X-Forwarded-For) and that the request came over TLS (X-Forwarded-Proto:
// https). Headers travel as flat [name, value, ...] lists, in the order the client sent them.
import type { IncomingHttpHeaders } from 'node:http';
import { HttpError, type Target } from '../http.js';
import { HOST_VALUE, hostFault, NO_HOST } from '../target.js';
import { CODING, CONNECTION, connectionTokens, HOST, LENGTH, MAX_HEADERS, PASS, requestKind } from './hop-by-hop.js';

export { responseHeaders } from './hop-by-hop.js';

export type RequestBody = 'none' | 'length' | 'chunked';

export interface RequestLine {
  method?: string;
  httpVersionMajor: number;
  httpVersionMinor: number;
  rawHeaders: string[];
}

const DIGITS = /^[0-9]+$/;

/** Each header's kind, per request: reused, as requests are handled one at a time. */
const kinds = new Uint8Array(MAX_HEADERS);

/** A refused request also ends its connection: what follows it on the wire cannot be trusted. */
const refuse = (status: number, message: string) => new HttpError(status, message, { connection: 'close' });

export interface HeadOptions {
  /** X-Forwarded-Proto: https when the client came over TLS (the default), http when not. */
  proto?: 'https' | 'http';
  /** Lower-case names of the client's header fields to leave out (the route states its own). */
  drop?: ReadonlySet<string>;
  /** A body declared longer than this is refused with a 413 (at most Number.MAX_SAFE_INTEGER, the default). */
  maxBody?: number;
}

/** The request head for the app, how its body (if any) is framed on the way, and its Content-Length; throws HttpError for a request that must not be forwarded. */
export function requestHead(
  req: RequestLine,
  target: Target,
  clientIp: string,
  listenPort: number,
  defaultHost: string,
  o: HeadOptions = {},
): { head: string; body: RequestBody; length: number } {
  const raw = req.rawHeaders;
  const n = raw.length >> 1;
  // A count past the limit is refused rather than cut short (as Node's maxHeadersCount would), so no
  // Content-Length or Transfer-Encoding is ever lost that way.
  if (n > MAX_HEADERS) throw refuse(431, `request header fields too large: more than ${MAX_HEADERS} header lines`);
  if (req.httpVersionMajor !== 1 || req.httpVersionMinor > 1) {
    throw req.httpVersionMajor === 0
      ? refuse(400, 'bad request: HTTP/0.9 is not served')
      : refuse(505, 'HTTP version not supported: use HTTP/1.1');
  }
  if (target.path.startsWith('//')) throw refuse(400, 'bad request target: a path that starts with // is read as a host by URL parsers');

  let host: string | undefined,
    length: string | undefined,
    chunked = false,
    named: string[] | undefined;
  for (let i = 0; i < n; i++) {
    const value = raw[2 * i + 1]!;
    const kind = (kinds[i] = requestKind(raw[2 * i]!));
    if (kind === PASS) continue;
    if (kind === HOST) {
      const fault = hostFault(value, host !== undefined);
      if (fault) throw refuse(400, fault);
      host = value;
    } else if (kind === CONNECTION) {
      named = connectionTokens(value, named);
    } else if (kind === LENGTH) {
      // Digits only, and one value: the framing of what the app reads hangs on it.
      if (length !== undefined || !DIGITS.test(value)) throw refuse(400, 'bad request: invalid Content-Length');
      length = value;
    } else if (kind === CODING) {
      if (chunked || length !== undefined) throw refuse(400, 'bad request: invalid Transfer-Encoding');
      const codings = value
        .toLowerCase()
        .split(',')
        .map((c) => c.trim());
      if (codings.length !== 1 || codings[0] !== 'chunked') {
        // chunked anywhere but alone cannot be framed (RFC 9112 §6.3); any other coding is one we do not know.
        if (codings.indexOf('chunked') !== codings.length - 1)
          throw refuse(400, 'bad request: chunked must be the final transfer coding, and only once');
        throw refuse(501, 'not implemented: the only transfer coding accepted is chunked');
      }
      chunked = true;
    }
  }
  if (chunked && (length !== undefined || req.httpVersionMinor === 0))
    throw refuse(400, 'bad request: Transfer-Encoding with Content-Length or in HTTP/1.0');
  // RFC 9112 §3.2: an HTTP/1.1 request without Host gets a 400.
  if (host === undefined && req.httpVersionMinor === 1) throw refuse(400, NO_HOST);
  if (target.authority !== undefined) {
    if (!HOST_VALUE.test(target.authority)) throw refuse(400, 'bad request target: its authority is not host[:port]');
    host = target.authority;
  }

  // Compared exactly, whatever its digits: a length the proxy and the app could read differently is never sent on.
  const bytes = length === undefined ? 0 : exactLength(length, o.maxBody ?? Number.MAX_SAFE_INTEGER);

  let head = `${req.method} ${target.path} HTTP/1.1\r\nHost: ${host ?? defaultHost}\r\n`;
  for (let i = 0; i < n; i++) {
    if (kinds[i] !== PASS) continue;
    const name = raw[2 * i]!;
    if (named?.includes(name.toLowerCase()) || o.drop?.has(name.toLowerCase())) continue;
    head += `${name}: ${raw[2 * i + 1]}\r\n`;
  }
  head += `X-Forwarded-For: ${clientIp.startsWith('::ffff:') ? clientIp.slice(7) : clientIp}\r\nX-Forwarded-Proto: ${o.proto ?? 'https'}\r\n`;
  if (host !== undefined) head += `X-Forwarded-Host: ${host}\r\n`;
  head += `X-Forwarded-Port: ${listenPort}\r\n`;
  // A chunked body is re-framed chunk by chunk on its way (chunked.ts).
  if (chunked) head += 'Transfer-Encoding: chunked\r\n';
  else if (length !== undefined) head += `Content-Length: ${bytes}\r\n`;
  return { head: `${head}\r\n`, body: bytes > 0 ? 'length' : chunked ? 'chunked' : 'none', length: bytes };
}

/** The value of a Content-Length of decimal digits, refused with a 413 past max (a safe integer, so the number is exact). */
function exactLength(digits: string, max: number): number {
  if (BigInt(digits) > BigInt(max)) throw tooLarge(max);
  return Number(digits);
}

/** The answer to a body longer than the limit; the connection closes, as the rest of the body cannot be trusted to follow. */
export const tooLarge = (max: number) => refuse(413, `content too large: the body is over the limit of ${max} bytes`);

const ROOT: Target = { form: 'origin', path: '/', url: new URL('http://localhost/') };

/** The headers requestHead sends for a GET with these (parsed) headers; names come out lower-case. */
export function forwardedHeaders(headers: IncomingHttpHeaders, clientIp: string, listenPort: number): Record<string, string | string[]> {
  const raw = Object.entries(headers).flatMap(([k, v]) => (v === undefined ? [] : Array.isArray(v) ? v.flatMap((x) => [k, x]) : [k, v]));
  const { head } = requestHead(
    { method: 'GET', httpVersionMajor: 1, httpVersionMinor: 1, rawHeaders: raw },
    ROOT,
    clientIp,
    listenPort,
    'localhost',
  );
  const out: Record<string, string | string[]> = {};
  for (const line of head.split('\r\n').slice(1, -2)) {
    const colon = line.indexOf(': ');
    const k = line.slice(0, colon).toLowerCase(),
      v = line.slice(colon + 2),
      prev = out[k];
    out[k] = prev === undefined ? v : [...(Array.isArray(prev) ? prev : [prev]), v];
  }
  return out;
}
