// L7 mode: an HTTP/1.1 reverse proxy to the app over the pod loopback. It tells the app who the
// client is (X-Forwarded-For) and that the request came over TLS (X-Forwarded-Proto: https).
// Client-sent X-Forwarded-* headers are replaced, never trusted.
import { Agent, request, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Counter, Histogram } from '../../lib/metrics.js';
import type { Logger } from '../../lib/log.js';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade',
  'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'x-forwarded-port']);

export interface HttpProxyOptions {
  upstreamHost: string;
  upstreamPort: number;
  listenPort: number;
  hsts: string | undefined;
  log: Logger;
  requests: Counter;
  upstreamErrors: Counter;
  duration: Histogram;
  /** True while draining: responses ask the client to close. */
  draining: () => boolean;
}

export function forwardedHeaders(headers: IncomingHttpHeaders, clientIp: string, listenPort: number): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  }
  out['x-forwarded-for'] = clientIp.replace(/^::ffff:/, '');
  out['x-forwarded-proto'] = 'https';
  if (headers.host) out['x-forwarded-host'] = headers.host;
  out['x-forwarded-port'] = String(listenPort);
  return out;
}

export function createHttpHandler(o: HttpProxyOptions) {
  const agent = new Agent({ keepAlive: true, maxFreeSockets: 256, scheduling: 'lifo' });
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const t0 = process.hrtime.bigint();
    const socket = req.socket as TLSSocket;
    const up = request({
      host: o.upstreamHost, port: o.upstreamPort, method: req.method, path: req.url, agent,
      headers: forwardedHeaders(req.headers, socket.remoteAddress ?? '', o.listenPort),
    }, (ures) => {
      const headers: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(ures.headers)) {
        if (value !== undefined && name !== 'connection' && name !== 'keep-alive' && name !== 'transfer-encoding') headers[name] = value;
      }
      if (o.hsts) headers['strict-transport-security'] = o.hsts;
      if (o.draining()) headers.connection = 'close';
      res.writeHead(ures.statusCode ?? 502, ures.statusMessage, headers);
      ures.pipe(res);
      // An upstream that dies mid-body must cut the client too, or the client waits for the rest forever.
      ures.once('close', () => { if (!ures.complete) res.destroy(); });
      ures.once('end', () => {
        o.requests.inc({ code: `${String(ures.statusCode).charAt(0)}xx` });
        o.duration.observe(Number(process.hrtime.bigint() - t0) / 1e9);
      });
    });
    up.on('error', (err) => {
      o.upstreamErrors.inc();
      o.log.warn('upstream error', { err, upstream: `${o.upstreamHost}:${o.upstreamPort}`, path: req.url });
      if (!res.headersSent) {
        o.requests.inc({ code: '5xx' });
        res.writeHead(502, { 'content-type': 'text/plain', connection: 'close' }).end('bad gateway: the app behind this TLS proxy did not answer\n');
      } else {
        res.destroy();
      }
    });
    req.pipe(up);
    res.once('close', () => { if (!res.writableFinished) up.destroy(); });
  };
  return { handler, agent };
}
