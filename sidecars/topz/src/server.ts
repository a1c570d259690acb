// The topz HTTP server: GET (and HEAD) only, a bearer token on the data endpoints when one is
// configured, and security headers on every answer.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Server } from 'node:http';
import { serve, type Handler } from '../../lib/http.js';
import type { Logger } from '../../lib/log.js';
import { CSP, FAVICON_SVG, PAGE_CSS, PAGE_JS, pageHtml } from './page.js';
import { SCHEMA, type Snapshot } from './schema.js';
import { toPrometheus } from './render.js';

export interface ServerOptions {
  /** The token requests must carry, or undefined for none (then only loopback should be served). */
  token: () => string | undefined;
  snapshot: () => Snapshot;
  refreshMs: number;
  /** Called after each answer, for the admin metrics. */
  onResponse?: (route: string, status: number) => void;
  log: Logger;
}

const HEADERS = {
  'content-security-policy': CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Constant-time check of an Authorization header against the token. */
export function authorized(header: string | undefined, token: string | undefined): boolean {
  if (token === undefined) return true;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return Boolean(m) && timingSafeEqual(digest(m![1]!), digest(token));
}

interface Route {
  type: string;
  auth: boolean;
  body: (o: ServerOptions) => string;
}

const ROUTES: Record<string, Route> = {
  '/': { type: 'text/html; charset=utf-8', auth: false, body: (o) => pageHtml(o.refreshMs) },
  '/topz.css': { type: 'text/css; charset=utf-8', auth: false, body: () => PAGE_CSS },
  '/topz.js': { type: 'text/javascript; charset=utf-8', auth: false, body: () => PAGE_JS },
  '/favicon.svg': { type: 'image/svg+xml', auth: false, body: () => FAVICON_SVG },
  '/api/schema': { type: 'application/schema+json', auth: false, body: () => `${JSON.stringify(SCHEMA, null, 2)}\n` },
  '/api/processes': { type: 'application/json', auth: true, body: (o) => `${JSON.stringify(o.snapshot())}\n` },
  '/metrics': { type: 'text/plain; version=0.0.4', auth: true, body: (o) => toPrometheus(o.snapshot()) },
};

export function handler(o: ServerOptions): Handler {
  return (req, res, target) => {
    const path = target.url.pathname;
    const route = ROUTES[path];
    const send = (status: number, type: string, body: string, extra: Record<string, string> = {}) => {
      res.writeHead(status, { ...HEADERS, 'content-type': type, ...extra }).end(req.method === 'HEAD' ? undefined : body);
      o.onResponse?.(route ? path : 'other', status);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(405, 'text/plain; charset=utf-8', 'method not allowed: topz only answers GET\n', { allow: 'GET, HEAD' });
    } else if (!route) {
      send(404, 'text/plain; charset=utf-8', `not found: try ${Object.keys(ROUTES).join(', ')}\n`);
    } else if (route.auth && !authorized(req.headers.authorization, o.token())) {
      send(401, 'text/plain; charset=utf-8', 'unauthorized: send Authorization: Bearer <token>\n', {
        'www-authenticate': 'Bearer realm="topz"',
      });
    } else {
      try {
        send(200, route.type, route.body(o));
      } catch (e) {
        send(500, 'text/plain; charset=utf-8', `scan failed: ${(e as Error).message}\n`);
      }
    }
  };
}

export function createTopzServer(o: ServerOptions): Server {
  // A scan is all a request costs; 10 s is far more than any honest client needs to send one.
  return serve(handler(o), { log: o.log, requestTimeoutMs: 10_000, onRefused: (status) => o.onResponse?.('other', status) });
}
