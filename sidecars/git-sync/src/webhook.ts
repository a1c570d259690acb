// The webhook listener: POST <path> with an HMAC-SHA256 signature over the raw body. A valid one
// asks for a sync at once and gets 202; anything unsigned or wrongly signed gets 401 and changes
// nothing. The body is only read for its ref (a push to another branch is acknowledged, not synced).
import { createServer, type Server } from 'node:http';
import type { Counter } from '../../lib/metrics.js';
import type { Logger } from '../../lib/log.js';
import { SIGNATURE_HEADER, verify } from './hmac.js';

const MAX_BODY = 64 * 1024;

export interface WebhookOptions {
  port: number; address: string; path: string; secret: string; ref: string;
  log: Logger; requests: Counter;
  onPush(): void;
}

/** Whether a push payload concerns our ref (payloads without a ref are taken as ours). */
export function concernsRef(body: Buffer, ref: string): boolean {
  try {
    const pushed = (JSON.parse(body.toString('utf8')) as { ref?: unknown }).ref;
    return typeof pushed !== 'string' || pushed === ref || pushed === `refs/heads/${ref}` || pushed === `refs/tags/${ref}`;
  } catch {
    return true;
  }
}

export function startWebhook(o: WebhookOptions): Promise<Server> {
  const server = createServer((req, res) => {
    const reply = (code: number, text: string, result: string) => {
      o.requests.inc({ result });
      res.writeHead(code, { 'content-type': 'text/plain' }).end(`${text}\n`);
    };
    if (new URL(req.url ?? '/', 'http://x').pathname !== o.path) return reply(404, 'not found', 'not_found');
    if (req.method !== 'POST') return reply(405, 'method not allowed: POST a signed push event', 'bad_method');
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) { reply(413, 'payload too large', 'too_large'); req.destroy(); } else chunks.push(c);
    });
    req.on('end', () => {
      if (size > MAX_BODY) return;
      const body = Buffer.concat(chunks);
      const verdict = verify(o.secret, body, req.headers[SIGNATURE_HEADER]);
      if (verdict !== 'ok') {
        o.log.warn('webhook refused', { verdict, from: req.socket.remoteAddress });
        return reply(401, `unauthorized: ${verdict === 'missing' ? 'missing' : 'invalid'} ${SIGNATURE_HEADER}`, verdict === 'missing' ? 'missing_signature' : 'bad_signature');
      }
      if (!concernsRef(body, o.ref)) return reply(202, 'accepted: not our ref, nothing to do', 'other_ref');
      o.onPush();
      reply(202, 'accepted: sync started', 'accepted');
    });
  });
  server.requestTimeout = 10_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.address, () => resolve(server));
  });
}
