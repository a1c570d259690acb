// What L7 mode writes to the client of its own: the head of the app's response, rewritten and framed
// for the client, and the proxy's own plain-text answers (a refusal, a 502).
import statuses from 'statuses';
import { responseHeaders } from './forwarded.js';
import type { ResponseHead } from './response-parser.js';

/** How the body of a response goes to the client: none, as the app framed it by length, or chunked here. */
export type Framing = 'none' | 'length' | 'chunked' | 'close';

/**
 * The response head for the client, and how its body is framed. The app's body is decoded by the
 * ResponseParser: one with a Content-Length keeps it; a chunked or close-delimited one is chunked
 * again for an HTTP/1.1 client, and delimited by the close for an HTTP/1.0 one.
 */
export function clientHead(
  h: ResponseHead,
  o: { method: string; http10: boolean; close: boolean; hsts?: string; keepAliveSeconds: number },
): { head: string; framing: Framing; close: boolean } {
  let length = false,
    coded = false;
  for (let i = 0; i < h.headers.length; i += 2) {
    const lower = h.headers[i]!.toLowerCase();
    if (lower === 'content-length') length = true;
    else if (lower === 'transfer-encoding') coded = true;
  }
  const noBody = o.method === 'HEAD' || h.status === 204 || h.status === 304;
  let framing: Framing = noBody ? 'none' : length && !coded ? 'length' : o.http10 ? 'close' : 'chunked';
  const close = o.close || framing === 'close';
  if (framing === 'close' && !o.http10) framing = 'chunked';
  const headers = responseHeaders(h.headers, { hsts: o.hsts, close });
  let head = `HTTP/1.1 ${h.status} ${h.reason || statuses.message[h.status] || ''}\r\n`;
  for (let i = 0; i < headers.length; i += 2) head += `${headers[i]}: ${headers[i + 1]}\r\n`;
  if (framing === 'chunked') head += 'Transfer-Encoding: chunked\r\n';
  // Said out loud, with the idle timeout, so that a client's pool does not reuse a connection as it closes.
  if (!close) head += `Connection: keep-alive\r\nKeep-Alive: timeout=${o.keepAliveSeconds}\r\n`;
  return { head: `${head}\r\n`, framing, close };
}

/** A whole plain-text answer of the proxy's own (a refusal or a 502), which closes the connection. */
export function ownAnswer(status: number, text: string, method: string, headers: Record<string, string> = {}): string {
  let head = `HTTP/1.1 ${status} ${statuses.message[status] ?? ''}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\n`;
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() !== 'connection') head += `${k}: ${v}\r\n`;
  return `${head}Connection: close\r\n\r\n${method === 'HEAD' ? '' : text}`;
}
