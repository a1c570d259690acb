// Test helpers for the webhook listener: one started on a free loopback port, signed posts, and raw
// clients that misbehave on purpose (a body that never ends, a body that never comes).
import type { AddressInfo, Server } from 'node:net';
import { connect } from 'node:net';
import { createLogger } from '../../lib/log.js';
import { Registry, type Counter } from '../../lib/metrics.js';
import { sign } from '../src/hmac.js';
import { startWebhook, type WebhookOptions } from '../src/webhook.js';

export const KEY = 'webhook-test-key';
export const PUSH = JSON.stringify({ ref: 'refs/heads/main', after: 'f'.repeat(40) });

export interface Hook {
  server: Server;
  port: number;
  url: string;
  pushes: number;
  requests: Counter;
}

export async function startHook(o: Partial<WebhookOptions> = {}): Promise<Hook> {
  const requests = new Registry('t').counter('webhook_requests_total', 'h');
  const hook = { requests, pushes: 0 } as Hook;
  hook.server = await startWebhook({
    port: 0,
    address: '127.0.0.1',
    path: '/webhook',
    secret: KEY,
    ref: 'main',
    timeoutMs: 10_000,
    log: createLogger('test', 'error', () => undefined),
    requests,
    onPush: () => {
      hook.pushes++;
    },
    ...o,
  });
  hook.port = (hook.server.address() as AddressInfo).port;
  hook.url = `http://127.0.0.1:${hook.port}`;
  return hook;
}

export const closeHook = (h: Hook) => new Promise<void>((r) => h.server.close(() => r()));

export interface Post {
  body?: string;
  type?: string | null;
  signature?: string | null;
  path?: string;
  method?: string;
}

/** A POST signed with KEY over the body (signature: null for none, or a given header value). */
export function post(h: Hook, p: Post = {}) {
  const body = p.body ?? PUSH;
  const headers: Record<string, string> = {};
  if (p.type !== null) headers['content-type'] = p.type ?? 'application/json';
  if (p.signature !== null) headers['x-hub-signature-256'] = p.signature ?? sign(KEY, body);
  return fetch(`${h.url}${p.path ?? '/webhook'}`, { method: p.method ?? 'POST', headers, body });
}

export interface RawEnd {
  status: number | undefined;
  ms: number;
  sent: number;
  error?: string;
}

/**
 * Opens a connection, writes the request head, then body bytes from next() for as long as it returns
 * some (at the socket's pace, or every `everyMs`), until the server answers with a status line, closes
 * or `limitMs` passes. Resolves with the status seen and how long the connection lasted. With
 * `readAfterSend`, it reads nothing until the whole body is written, as many simple clients do.
 */
export function rawClient(
  port: number,
  head: string,
  next: () => Buffer | undefined,
  o: { everyMs?: number; limitMs?: number; readAfterSend?: boolean } = {},
): Promise<RawEnd> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const s = connect({ host: '127.0.0.1', port });
    let text = '',
      sent = 0,
      ended = false,
      ticker: NodeJS.Timeout | undefined;
    const done = (error?: string) => {
      if (ended) return;
      ended = true;
      clearTimeout(limit);
      clearInterval(ticker);
      s.destroy();
      const m = /^HTTP\/1\.1 (\d{3})/.exec(text);
      resolve({ status: m ? Number(m[1]) : undefined, ms: Date.now() - t0, sent, error });
    };
    const limit = setTimeout(() => done('client limit reached'), o.limitMs ?? 8000);
    const pump = () => {
      while (!ended) {
        const b = next();
        if (!b) {
          if (o.readAfterSend) s.write(Buffer.alloc(0), () => s.resume());
          return;
        }
        sent += b.length;
        if (!s.write(b)) return;
      }
    };
    if (o.readAfterSend) s.pause();
    s.on('connect', () => {
      s.write(head);
      if (o.everyMs)
        ticker = setInterval(() => {
          if (ended) return;
          const b = next();
          if (b) {
            sent += b.length;
            s.write(b);
            return;
          }
          clearInterval(ticker);
          if (o.readAfterSend) s.write(Buffer.alloc(0), () => s.resume());
        }, o.everyMs);
      else pump();
    });
    if (!o.everyMs) s.on('drain', pump);
    s.setEncoding('latin1');
    s.on('data', (c: string) => {
      text += c;
      if (/^HTTP\/1\.1 \d{3}/.test(text)) done();
    });
    s.on('error', (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
    s.on('close', () => done());
  });
}

/** Body bytes: `total` bytes in `size`-byte pieces, optionally framed as HTTP/1.1 chunks. */
export function pieces(total: number, size: number, chunked = false): () => Buffer | undefined {
  let left = total;
  return () => {
    if (left <= 0) return undefined;
    const n = Math.min(size, left);
    left -= n;
    const data = Buffer.alloc(n, 0x61);
    return chunked ? Buffer.concat([Buffer.from(`${n.toString(16)}\r\n`), data, Buffer.from('\r\n')]) : data;
  };
}

export const head = (headers: Record<string, string | number>, path = '/webhook') =>
  `POST ${path} HTTP/1.1\r\nHost: localhost\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n`;
