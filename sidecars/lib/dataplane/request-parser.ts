// L7 mode's reader of client request heads: the client is untrusted, so this is strict. It accepts a
// subset of what llhttp (Node's parser) accepts, and test/request-parser-llhttp.test.ts beside it proves that on
// generated and mutated heads: a head llhttp refuses is refused here too. What it accepts:
//   request-line = method SP request-target SP HTTP-version CRLF   (RFC 9112 §3)
//   field-line   = field-name ":" OWS field-value OWS CRLF          (RFC 9112 §5; no obs-fold)
// with CRLF line ends only (a bare LF or CR is refused), a known method, a visible-ASCII target, and field
// values of visible ASCII, SP, HTAB and obs-text (0x80-0xFF), no tab after a framing header's value. Empty lines before the request line are
// skipped (RFC 9112 §2.2). The head is read as latin1, one char per byte.
import { HttpError } from '../target.js';
import type { RequestLine } from './forwarded.js';

/** A head bigger than this gets a 431, as Node's default --max-http-header-size. */
export const MAX_HEAD_BYTES = 16 * 1024;

/** The methods llhttp knows (Node's http.METHODS); any other gets a 501. */
export const METHODS = new Set(
  'ACL BIND CHECKOUT CONNECT COPY DELETE GET HEAD LINK LOCK M-SEARCH MERGE MKACTIVITY MKCALENDAR MKCOL MOVE NOTIFY OPTIONS PATCH POST PROPFIND PROPPATCH PURGE PUT QUERY REBIND REPORT SEARCH SOURCE SUBSCRIBE TRACE UNBIND UNLINK UNLOCK UNSUBSCRIBE'.split(
    ' ',
  ),
);

export interface ParsedRequest extends RequestLine {
  method: string;
  target: string;
}

const REQUEST_LINE = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+) ([\x21-\x7e]+) HTTP\/(\d)\.(\d)$/;
const FIELD_LINE = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+):[ \t]*([^\x00-\x08\x0a-\x1f\x7f]*?)[ \t]*$/;

const FRAMING = /^(?:content-length|transfer-encoding)$/i;

const refuse = (status: number, message: string) => new HttpError(status, message, { connection: 'close' });

/** Where the head ends in buf (the index just past its CRLF CRLF), -1 when more bytes are needed; throws for a head that can never be good. */
export function headEnd(buf: Buffer): number {
  let start = 0;
  // Empty lines before the request line (RFC 9112 §2.2): skipped, a few at most.
  while (start < 8 && buf[start] === 0x0d && buf[start + 1] === 0x0a) start += 2;
  const end = buf.indexOf('\r\n\r\n', start, 'latin1');
  const scanned = end >= 0 ? end + 2 : buf.length;
  // A bare LF (not after CR) or a bare CR (not before LF) can only be refused: no need to wait for more.
  for (let i = buf.indexOf(0x0a, start); i >= 0 && i < scanned; i = buf.indexOf(0x0a, i + 1)) {
    if (i === 0 || buf[i - 1] !== 0x0d) throw refuse(400, 'bad request: a line ends in LF without CR');
  }
  for (let i = buf.indexOf(0x0d, start); i >= 0 && i < scanned; i = buf.indexOf(0x0d, i + 1)) {
    if (i + 1 < buf.length && buf[i + 1] !== 0x0a) throw refuse(400, 'bad request: a CR that does not end a line');
  }
  if (end < 0) {
    if (buf.length > MAX_HEAD_BYTES) throw refuse(431, `request header fields too large: a head over ${MAX_HEAD_BYTES} bytes`);
    return -1;
  }
  if (end + 4 > MAX_HEAD_BYTES) throw refuse(431, `request header fields too large: a head over ${MAX_HEAD_BYTES} bytes`);
  return end + 4;
}

/** Parses a whole head (as headEnd delimits it); throws HttpError with the status the client gets. */
export function parseHead(buf: Buffer, end: number): ParsedRequest {
  let start = 0;
  while (buf[start] === 0x0d && buf[start + 1] === 0x0a && start < 8) start += 2;
  const lines = buf.toString('latin1', start, end - 4).split('\r\n');
  const m = REQUEST_LINE.exec(lines[0]!);
  if (!m) throw refuse(400, 'bad request: not a request line (method SP target SP HTTP/x.y)');
  const [, method, target, major, minor] = m as unknown as [string, string, string, string, string];
  if (!METHODS.has(method)) {
    // Methods are case-sensitive (RFC 9110 §9.1): a lower-case one is a bad request, not an unknown method.
    if (METHODS.has(method.toUpperCase())) throw refuse(400, 'bad request: methods are case-sensitive');
    throw refuse(501, `not implemented: unknown method ${method.slice(0, 20)}`);
  }
  const rawHeaders: string[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line[0] === ' ' || line[0] === '\t') throw refuse(400, 'bad request: obsolete line folding in a header');
    const h = FIELD_LINE.exec(line);
    if (!h) throw refuse(400, 'bad request: a malformed header line');
    // llhttp refuses a tab after a framing header's value; so does this reader, whatever else it trims.
    if (line.endsWith('\t') && FRAMING.test(h[1]!)) throw refuse(400, `bad request: a tab after the ${h[1]!.toLowerCase()} value`);
    rawHeaders.push(h[1]!, h[2]!);
  }
  return { method, target, httpVersionMajor: Number(major), httpVersionMinor: Number(minor), rawHeaders };
}
