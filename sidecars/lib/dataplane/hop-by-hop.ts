// Which header fields cross the proxy (RFC 9110 §7.6.1, RFC 9112 §6-7). Hop-by-hop fields, and those a
// Connection header names, stay on their own hop in both directions. In requests, every spelling of a
// claim about the client's identity is dropped too: Forwarded, X-Real-IP and any X-Forwarded-*, in
// any case and with `_` for `-` (CGI, WSGI and PHP read `X_Forwarded_For` as X-Forwarded-For). The
// proxy adds its own X-Forwarded-* afterwards. Names are looked up in maps built once.

/** More header lines than this in one request get a 431 (Apache's LimitRequestFields default). */
export const MAX_HEADERS = 100;

/** How a request header is treated: passed on, dropped, or read by the proxy itself. */
export const PASS = 0,
  DROP = 1,
  HOST = 2,
  CONNECTION = 3,
  LENGTH = 4,
  CODING = 5;

const REQUEST = new Map<string, number>([
  ['host', HOST],
  ['connection', CONNECTION],
  ['content-length', LENGTH],
  ['transfer-encoding', CODING],
  // Hop-by-hop. TE: trailers are not forwarded, so no TE is needed. Expect: the session has already
  // answered 100-continue, so the app gets the body without waiting.
  ...['keep-alive', 'proxy-connection', 'te', 'trailer', 'upgrade', 'proxy-authorization', 'expect'].map((n) => [n, DROP] as const),
  // The client's identity: only the proxy may state it.
  ...['forwarded', 'x-real-ip'].map((n) => [n, DROP] as const),
]);

/** PASS, DROP, HOST, CONNECTION, LENGTH or CODING for a request header name. */
export function requestKind(name: string): number {
  const lower = name.toLowerCase();
  const kind = REQUEST.get(lower);
  if (kind !== undefined) return kind;
  if (lower.startsWith('x-forwarded-')) return DROP;
  if (lower.includes('_')) {
    // Another spelling of a header the proxy reads or drops is dropped: it would be read as that header.
    const dashed = lower.replace(/_/g, '-');
    if (REQUEST.has(dashed) || dashed.startsWith('x-forwarded-')) return DROP;
  }
  return PASS;
}

/**
 * Adds the lower-case field names a Connection header value lists to `into` (made when first needed).
 * The connection options close and keep-alive name no field and are skipped, so the usual value costs nothing.
 */
export function connectionTokens(value: string, into: string[] | undefined): string[] | undefined {
  const v = value.toLowerCase();
  if (v === 'keep-alive' || v === 'close') return into;
  for (const part of v.split(',')) {
    const t = part.trim();
    if (t && t !== 'close' && t !== 'keep-alive') (into ??= []).push(t);
  }
  return into;
}

const RESPONSE_DROPPED = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'proxy-authenticate',
]);

/**
 * The app's response headers for the client: hop-by-hop ones and those its Connection header names
 * dropped, then HSTS and Connection: close when asked.
 */
export function responseHeaders(raw: string[], o: { hsts?: string; close: boolean }): string[] {
  let chunked = false;
  let named: string[] | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const lower = raw[i]!.toLowerCase();
    if (lower === 'transfer-encoding') chunked = true;
    else if (lower === 'connection') named = connectionTokens(raw[i + 1]!, named);
  }
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const lower = raw[i]!.toLowerCase();
    if (RESPONSE_DROPPED.has(lower)) continue;
    // Named in Connection or not, Content-Length stays: it tells a HEAD client the size.
    if (named !== undefined && lower !== 'content-length' && named.includes(lower)) continue;
    // The body is decoded from chunks and framed again for the client, so the app's length no longer applies.
    if (chunked && lower === 'content-length') continue;
    if (o.hsts && lower === 'strict-transport-security') continue;
    out.push(raw[i]!, raw[i + 1]!);
  }
  if (o.hsts) out.push('Strict-Transport-Security', o.hsts);
  if (o.close) out.push('Connection', 'close');
  return out;
}
