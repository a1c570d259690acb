// The request target of an HTTP/1.1 request (RFC 9112 §3.2), read strictly. Node's parser (llhttp)
// accepts targets that the WHATWG URL parser then throws on (`//[`), so every listener reads the
// target through here and turns a bad one into a 400 instead of an uncaught TypeError.

/** A request the server refuses, with the status it gets (400, 405, 408, 413, 415, 431, ...). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

// RFC 9112 §3.2 and RFC 3986 §3.2: uri-host [":" port], where a reg-name has no "," (so no list) and no "@".
export const HOST_VALUE = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~!$&'()*+;=%]+)(?::[0-9]*)?$/;

/**
 * RFC 9112 §3.2, one Host field at a time: why it gets a 400 (it is a second one, or not host[:port]), or
 * undefined. The data plane's request reader and the admin server read Host through here, with NO_HOST for an
 * HTTP/1.1 request that has none.
 */
export function hostFault(value: string, seen: boolean): string | undefined {
  if (seen) return 'bad request: more than one Host header';
  return HOST_VALUE.test(value) ? undefined : 'bad request: Host is not host[:port]';
}
export const NO_HOST = 'bad request: HTTP/1.1 without Host';

export interface Target {
  /** origin: `/path?query`; absolute: `http://host/path`; asterisk: `*` (OPTIONS only). */
  form: 'origin' | 'absolute' | 'asterisk';
  /** The target in origin form, byte for byte as the client wrote it (absolute form: its path and query). */
  path: string;
  /** The parsed URL, for routing on `pathname` and `searchParams`. */
  url: URL;
  /** The authority of an absolute-form target (`host[:port]`), which must then agree with Host. */
  authority?: string;
}

// RFC 9112 §3.2.1 and RFC 3986: origin-form = absolute-path [ "?" query ], where a segment is pchars
// (unreserved, sub-delims, ":", "@" and %HH) and the query adds "/" and "?". Nothing else: no "#",
// no "[", "]", "\\", "{", "}", "|", "^", "`", quotes or angle brackets, no bare "%".
const PCHAR = "(?:[A-Za-z0-9\\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})";
const ORIGIN_FORM = new RegExp(`^(?:/${PCHAR}*)+(?:\\?(?:${PCHAR}|[/?])*)?$`);
const VISIBLE = /^[\x21-\x7e]*$/;

/**
 * Reads a request target. Throws HttpError(400) for anything but origin form, absolute form with an
 * http(s) scheme, or `*` with OPTIONS; authority form (CONNECT) gets 405.
 */
export function parseTarget(method: string, raw: string | undefined): Target {
  const text = raw ?? '';
  if (!text || !VISIBLE.test(text)) throw new HttpError(400, 'bad request target: empty or not visible ASCII');
  if (text === '*') {
    if (method !== 'OPTIONS') throw new HttpError(400, 'bad request target: * is only for OPTIONS');
    return lazy('asterisk', '*', '/');
  }
  if (method === 'CONNECT') throw new HttpError(405, 'CONNECT is not supported', { allow: 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS' });
  if (text.startsWith('/')) {
    if (!ORIGIN_FORM.test(text)) throw new HttpError(400, 'bad request target: not an RFC 3986 path and query');
    return lazy('origin', text, text);
  }
  const m = /^(https?):\/\/([^/?#]+)([^#]*)$/i.exec(text);
  if (!m) throw new HttpError(400, 'bad request target: neither origin form (/path) nor absolute form (http://host/path)');
  const url = parse(text);
  if (url.username || url.password) throw new HttpError(400, 'bad request target: userinfo is not allowed');
  const rest = m[3]!;
  const path = rest.startsWith('/') ? rest : `/${rest}`;
  if (!ORIGIN_FORM.test(path)) throw new HttpError(400, 'bad request target: not an RFC 3986 path and query');
  return { ...lazy('absolute', path, path), authority: m[2]! };
}

/** The URL is parsed only when a handler asks for it: a proxy forwarding `path` never pays for it. The
 * grammar check above already passed, so the parse cannot fail. Prefixed with an authority, so `//host/x`
 * stays a path and is never read as a network-path reference. */
function lazy(form: Target['form'], path: string, forUrl: string): Target {
  let url: URL | undefined;
  return {
    form,
    path,
    get url() {
      return (url ??= parse(`http://localhost${forUrl}`));
    },
  };
}

function parse(text: string): URL {
  try {
    return new URL(text);
  } catch {
    throw new HttpError(400, 'bad request target: not a valid URL');
  }
}
