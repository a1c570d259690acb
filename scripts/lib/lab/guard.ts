// Who may ask the lab anything: a request whose Host is the lab's own loopback address (against DNS
// rebinding), that carries no foreign Origin, and that presents the token printed at start, in an
// Authorization: Bearer header (the page itself, GET /, may carry it as ?token= in its URL instead).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HttpError } from '../../../sidecars/lib/http.js';

/** 256 random bits, new at each start, as 64 hex digits. */
export const newToken = () => randomBytes(32).toString('hex');

/** Compares in constant time (the hashes have one length whatever the input). */
export function sameToken(given: string, token: string): boolean {
  const h = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(h(given), h(token)) && given.length === token.length;
}

export const allowedHosts = (port: number) => [`127.0.0.1:${port}`, `localhost:${port}`];

/** Throws the HttpError (403) that refuses a request, or returns when it may go on. */
export function admit(req: IncomingMessage, url: URL, port: number, token: string): void {
  const hosts = allowedHosts(port);
  const host = req.headers.host ?? '';
  if (!hosts.includes(host))
    throw new HttpError(403, `forbidden: the Host header must be ${hosts.join(' or ')}; open the address the lab printed`);
  const origin = req.headers.origin;
  if (origin !== undefined && !hosts.some((h) => origin === `http://${h}`)) throw new HttpError(403, 'forbidden: a foreign Origin');
  const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
  const fromQuery = url.pathname === '/' && req.method === 'GET' ? url.searchParams.get('token') : null;
  const given = bearer ?? fromQuery;
  if (given === null || given === undefined || !sameToken(given, token))
    throw new HttpError(403, 'forbidden: a valid token is needed (open the address the lab printed, with its ?token=)');
}

/** Headers on every answer: nothing may frame, embed, sniff or refer; the page runs only its own script and style. */
export function securityHeaders(scriptHash: string, styleHash: string): Record<string, string> {
  return {
    'content-security-policy': [
      "default-src 'none'",
      `script-src '${scriptHash}'`,
      `style-src '${styleHash}'`,
      "connect-src 'self'",
      "img-src 'self' data:",
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ].join('; '),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'cache-control': 'no-store',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
  };
}

/** The CSP source for an inline script or style: 'sha256-…'. */
export const cspHash = (text: string) => `sha256-${createHash('sha256').update(text).digest('base64')}`;
