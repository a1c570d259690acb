// The webhook listener: POST <path> with an HMAC-SHA256 signature over the raw body. A valid one
// naming our ref asks for a sync at once and gets 202; anything unsigned or wrongly signed gets 401
// and changes nothing. It serves through the shared guard (lib/http.ts): a malformed request target
// is a 400, an oversized body a 413 the client reads, a slow one a 408 at --webhook-timeout, and no
// request can throw out of the handler.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { readBody, serve, type Target } from '../../lib/http.js';
import { listen } from '../../lib/listen.js';
import type { Logger } from '../../lib/log.js';
import type { Counter } from '../../lib/metrics.js';
import { SIGNATURE_HEADER, verify } from './hmac.js';
import { mediaType, readPayload } from './payload.js';

export const MAX_BODY = 64 * 1024;

export interface WebhookOptions {
  port: number;
  address: string;
  path: string;
  secret: string;
  ref: string;
  /** A request's head, and then its body, must each arrive within this long. */
  timeoutMs: number;
  log: Logger;
  requests: Counter;
  onPush(): void;
}

/** The result label of the answers the guard gives itself (the handler counts its own). */
const REFUSED: Record<number, string> = { 400: 'bad_request', 405: 'bad_method', 408: 'timeout', 413: 'too_large', 431: 'bad_request' };

export async function startWebhook(o: WebhookOptions): Promise<Server> {
  const server = serve((req, res, target) => handle(o, req, res, target), {
    log: o.log,
    requestTimeoutMs: o.timeoutMs,
    headersTimeoutMs: o.timeoutMs,
    onRefused: (status) => o.requests.inc({ result: REFUSED[status] ?? 'error' }),
  });
  await listen(server, o.port, o.address, { port: 'webhookPort', address: 'webhookAddress' });
  return server;
}

async function handle(o: WebhookOptions, req: IncomingMessage, res: ServerResponse, target: Target): Promise<void> {
  const reply = (status: number, text: string, result: string, headers: Record<string, string> = {}) => {
    o.requests.inc({ result });
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers }).end(`${text}\n`);
  };
  if (target.url.pathname !== o.path) return reply(404, 'not found', 'not_found');
  if (req.method !== 'POST') return reply(405, 'method not allowed: POST a signed push event', 'bad_method', { allow: 'POST' });
  const type = mediaType(req.headers['content-type']);
  if (!type) return reply(415, 'unsupported media type: send application/json or application/x-www-form-urlencoded', 'bad_content_type');

  const body = await readBody(req, MAX_BODY);
  const verdict = verify(o.secret, body, req.headers[SIGNATURE_HEADER]);
  if (verdict !== 'ok') {
    o.log.warn('webhook refused', { verdict, from: req.socket.remoteAddress });
    return reply(
      401,
      `unauthorized: ${verdict === 'missing' ? 'missing' : 'invalid'} ${SIGNATURE_HEADER}`,
      verdict === 'missing' ? 'missing_signature' : 'bad_signature',
    );
  }
  const payload = readPayload(type, body, o.ref);
  switch (payload.kind) {
    case 'invalid':
      return reply(400, `bad payload: ${payload.reason}`, 'bad_payload');
    case 'none':
      return reply(202, 'accepted: no ref in the payload (a ping?), nothing to do', 'no_ref');
    case 'other':
      return reply(202, 'accepted: not our ref, nothing to do', 'other_ref');
    case 'ours':
      o.onPush();
      return reply(202, 'accepted: sync started', 'accepted');
  }
}
