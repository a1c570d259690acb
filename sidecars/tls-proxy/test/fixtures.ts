import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { type Agent, request as httpsRequest } from 'node:https';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { createLogger } from '../../lib/log.js';
import { Registry } from '../../lib/metrics.js';
import { parse } from '../../lib/parse.js';
import type { Values } from '../../lib/params.js';
import { spec, type params as table } from '../src/params.js';
import { start as startProxy } from '../src/start.js';

import { freePort } from '../../lib/test-support/wait.js';

export { freePort, quietFor, until, within } from '../../lib/test-support/wait.js';
export { installPair, type Issued, makePki, type Pki, replaceFile } from '../../lib/test-support/pki.js';
import type { Issued } from '../../lib/test-support/pki.js';

export interface Upstream {
  port: number;
  server: HttpServer;
  /** Headers of every request the upstream received, in order. */
  seen: IncomingMessage['headers'][];
  close(): Promise<void>;
}

/** A plain HTTP app on 127.0.0.1; the default handler answers `hello from upstream <path>`. */
export async function startUpstream(handler?: (req: IncomingMessage, res: ServerResponse) => void): Promise<Upstream> {
  const seen: IncomingMessage['headers'][] = [];
  const server = createHttpServer((req, res) => {
    seen.push(req.headers);
    if (handler) return handler(req, res);
    res.writeHead(200, { 'content-type': 'text/plain' }).end(`hello from upstream ${req.url}`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    server,
    seen,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** A raw TCP app on 127.0.0.1 that answers every request head it reads with the same bytes, untouched by any HTTP library. */
export async function startRawApp(response: Buffer): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createNetServer((s) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
    let pending = '';
    s.on('data', (c: Buffer) => {
      pending += c.toString('latin1');
      for (let end = pending.indexOf('\r\n\r\n'); end >= 0; end = pending.indexOf('\r\n\r\n')) {
        pending = pending.slice(end + 4);
        s.write(response);
      }
    });
    s.on('error', () => s.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

export type ProxyParams = Values<typeof table>;

/** Flags for a proxy that can start: certificate, upstream port, free loopback listen and admin ports; `extra` comes last and wins. */
export async function proxyFlags(cert: Issued, upstreamPort: number, extra: string[] = []): Promise<string[]> {
  return [
    '--cert-file',
    cert.cert,
    '--key-file',
    cert.key,
    '--upstream-port',
    String(upstreamPort),
    '--listen-port',
    String(await freePort()),
    '--listen-address',
    '127.0.0.1',
    '--admin-port',
    String(await freePort()),
    '--admin-address',
    '127.0.0.1',
    ...extra,
  ];
}

/** Proxy parameters through the real parser, from flags; the listen and admin ports are picked free. */
export async function proxyParams(cert: Issued, upstreamPort: number, extra: string[] = []): Promise<ProxyParams> {
  // Only file-system events trigger a reload unless a test asks for polling.
  const flags = await proxyFlags(cert, upstreamPort, ['--upstream-host', '127.0.0.1', '--reload-interval', '1h', ...extra]);
  return parse(spec, flags, {});
}

export type Proxy = Awaited<ReturnType<typeof startProxy>> & { metrics: Registry; logs: string[]; params: ProxyParams };

/** Starts the proxy with a fresh registry; log lines are kept (not printed) for assertions. */
export async function startTestProxy(params: ProxyParams): Promise<Proxy> {
  const logs: string[] = [];
  const metrics = new Registry('tls_proxy');
  const running = await startProxy({ params, metrics, log: createLogger('tls-proxy', 'debug', (l) => logs.push(l)) });
  return Object.assign(running, { metrics, logs, params });
}

export interface Reply {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
  serial: string;
  socket: TLSSocket;
}

/** One HTTPS request to 127.0.0.1:port, verified against the test CA with servername localhost. */
export function httpsGet(
  port: number,
  ca: Buffer,
  path = '/',
  o: { agent?: Agent; headers?: Record<string, string> } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        port,
        path,
        servername: 'localhost',
        ca,
        rejectUnauthorized: true,
        agent: o.agent ?? false,
        headers: o.headers,
      },
      (res) => {
        // Read now: a keep-alive agent takes the socket back when the response ends.
        const socket = res.socket as TLSSocket;
        const serial = socket.getPeerCertificate().serialNumber;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString(), serial, socket });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Opens a TLS connection; resolves with the socket once the handshake is done, or rejects with its error. */
export function tlsOpen(port: number, o: ConnectionOptions): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const s = tlsConnect({ host: '127.0.0.1', port, ...o });
    s.once('secureConnect', () => resolve(s));
    s.once('error', (e) => {
      s.destroy();
      reject(e);
    });
  });
}

/** The serial a fresh TLS connection is served (certificate verified against the CA). */
export async function servedSerial(port: number, ca: Buffer): Promise<string> {
  const s = await tlsOpen(port, { ca, servername: 'localhost', rejectUnauthorized: true });
  const serial = s.getPeerCertificate().serialNumber;
  s.destroy();
  return serial;
}
