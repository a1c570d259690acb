// What L7 mode changes in the headers, both ways. The app is told who the client is (X-Forwarded-For)
// and that the request came over TLS (X-Forwarded-Proto: https); client-sent X-Forwarded-* headers are
// replaced, never trusted. Hop-by-hop headers stay on their own hop. Headers travel as flat
// [name, value, ...] lists, as Node's rawHeaders are, so nothing is parsed into objects on the way.
import type { IncomingHttpHeaders } from 'node:http';

const REQUEST_DROPPED = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade',
  'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'x-forwarded-port',
  // Node's server has already answered 100-continue to the client; the app gets the body without waiting.
  'expect']);

/** The client's headers minus hop-by-hop and X-Forwarded-*, then ours. */
export function forwardedRaw(raw: string[], clientIp: string, listenPort: number): string[] {
  const out: string[] = [];
  let host: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const lower = raw[i]!.toLowerCase();
    if (REQUEST_DROPPED.has(lower)) continue;
    if (lower === 'host' && host === undefined) host = raw[i + 1];
    out.push(raw[i]!, raw[i + 1]!);
  }
  out.push('X-Forwarded-For', clientIp.startsWith('::ffff:') ? clientIp.slice(7) : clientIp, 'X-Forwarded-Proto', 'https');
  if (host !== undefined) out.push('X-Forwarded-Host', host);
  out.push('X-Forwarded-Port', String(listenPort));
  return out;
}

/** forwardedRaw for a parsed header object (names come out lower-case). */
export function forwardedHeaders(headers: IncomingHttpHeaders, clientIp: string, listenPort: number): Record<string, string | string[]> {
  const raw = Object.entries(headers).flatMap(([k, v]) => (v === undefined ? [] : Array.isArray(v) ? v.flatMap((x) => [k, x]) : [k, v]));
  const out: Record<string, string | string[]> = {};
  const f = forwardedRaw(raw, clientIp, listenPort);
  for (let i = 0; i < f.length; i += 2) {
    const k = f[i]!.toLowerCase(), prev = out[k];
    out[k] = prev === undefined ? f[i + 1]! : [...(Array.isArray(prev) ? prev : [prev]), f[i + 1]!];
  }
  return out;
}

export type RequestBody = 'none' | 'length' | 'chunked';

/** The request head for the app, and how its body (if any) is framed on the way. */
export function requestHead(method: string, url: string, raw: string[], clientIp: string, listenPort: number, defaultHost: string): { head: string; body: RequestBody } {
  let body: RequestBody = 'none';
  let hasHost = false;
  for (let i = 0; i < raw.length; i += 2) {
    const lower = raw[i]!.toLowerCase();
    if (lower === 'transfer-encoding') body = 'chunked';
    else if (lower === 'content-length' && body === 'none' && raw[i + 1] !== '0') body = 'length';
    else if (lower === 'host') hasHost = true;
  }
  const h = forwardedRaw(raw, clientIp, listenPort);
  let head = `${method} ${url} HTTP/1.1\r\n`;
  if (!hasHost) head += `Host: ${defaultHost}\r\n`;
  for (let i = 0; i < h.length; i += 2) {
    // A chunked body is re-chunked here (Node's server hands over the decoded bytes).
    if (body === 'chunked' && h[i]!.toLowerCase() === 'content-length') continue;
    head += `${h[i]}: ${h[i + 1]}\r\n`;
  }
  if (body === 'chunked') head += 'Transfer-Encoding: chunked\r\n';
  return { head: `${head}\r\n`, body };
}

/** The app's response headers for the client: hop-by-hop ones dropped, HSTS and Connection: close added when asked. */
export function responseHeaders(raw: string[], o: { hsts?: string; close: boolean }): string[] {
  let chunked = false;
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.toLowerCase() === 'transfer-encoding') chunked = true;
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const lower = raw[i]!.toLowerCase();
    if (lower === 'connection' || lower === 'keep-alive' || lower === 'transfer-encoding') continue;
    // The body is decoded from chunks; Node frames it again for the client, so the app's length no longer applies.
    if (chunked && lower === 'content-length') continue;
    if (o.hsts && lower === 'strict-transport-security') continue;
    out.push(raw[i]!, raw[i + 1]!);
  }
  if (o.hsts) out.push('Strict-Transport-Security', o.hsts);
  if (o.close) out.push('Connection', 'close');
  return out;
}
