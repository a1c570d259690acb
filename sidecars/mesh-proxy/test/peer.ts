// A peer that talks to a mesh-proxy's inbound port directly: TLS with the identity of a directory (or
// none), raw HTTP bytes, and what came back. A refused handshake is an answer too: no status, and the
// TLS error's code, whichever side the refusal showed up on. And steady load, through a frontend and so.
import { readFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { connect as tcpConnect, type Socket } from 'node:net';
import { join } from 'node:path';
import { type ConnectionOptions, connect as tlsConnect, type SecureVersion, type TLSSocket } from 'node:tls';
import { call } from './app.js';

export interface PeerAnswer {
  /** The response's status, if a response head came. */
  status: number | undefined;
  text: string;
  /** The code of the error that ended the connection, if one did. */
  error: string | undefined;
  /** The server's certificate serial, when the handshake got that far. */
  serial: string | undefined;
}

export interface PeerOptions {
  /** Identity directory whose tls.crt and tls.key the peer presents; none: no client certificate. */
  identity?: string;
  /** The CA the peer trusts the server by (the mesh CA). */
  ca: Buffer;
  /** Plain TCP instead of TLS. */
  plain?: boolean;
  maxVersion?: SecureVersion;
  limitMs?: number;
}

export const request = (path = '/', headers: Record<string, string> = {}) =>
  `GET ${path} HTTP/1.1\r\nHost: backend\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}Connection: close\r\n\r\n`;

/** Sends bytes on a new connection to host:port and reads until the server closes it. */
export function exchange(host: string, port: number, bytes: string, o: PeerOptions): Promise<PeerAnswer> {
  return new Promise((resolve) => {
    const id = o.identity ? { cert: readFileSync(join(o.identity, 'tls.crt')), key: readFileSync(join(o.identity, 'tls.key')) } : {};
    const s: Socket = o.plain
      ? tcpConnect({ host, port })
      : tlsConnect({ host, port, ca: o.ca, servername: 'backend', maxVersion: o.maxVersion, ...id });
    let text = '';
    let error: string | undefined;
    let serial: string | undefined;
    const done = () => {
      clearTimeout(timer);
      s.destroy();
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      resolve({ status: m ? Number(m[1]) : undefined, text, error, serial });
    };
    const timer = setTimeout(done, o.limitMs ?? 3000);
    s.setEncoding('latin1');
    s.on(o.plain ? 'connect' : 'secureConnect', () => {
      if (!o.plain) serial = (s as TLSSocket).getPeerCertificate().serialNumber;
      s.write(bytes);
    });
    s.on('data', (c: string) => (text += c));
    s.on('error', (e: NodeJS.ErrnoException) => {
      error ??= e.code ?? e.message;
      done();
    });
    s.on('close', done);
  });
}

/** An mTLS connection to host:port presenting the identity, once its handshake is done. */
export function peerSocket(
  host: string,
  port: number,
  identity: string,
  ca: Buffer,
  o: { allowHalfOpen?: boolean } = {},
): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const s = tlsConnect({
      host,
      port,
      ca,
      servername: 'backend',
      cert: readFileSync(join(identity, 'tls.crt')),
      key: readFileSync(join(identity, 'tls.key')),
      ...o,
    } as ConnectionOptions);
    s.once('secureConnect', () => resolve(s));
    s.once('error', (e) => {
      s.destroy();
      reject(e);
    });
  });
}

/** The serial a new TLS connection to host:port is served (handshake only, no request), presenting the given identity. */
export async function servedSerial(host: string, port: number, identity: string, ca: Buffer): Promise<string> {
  const s = await peerSocket(host, port, identity, ca);
  const serial = s.getPeerCertificate().serialNumber;
  s.destroy();
  return serial;
}

/**
 * Load until stopped, from two clients one after the other: the app through a frontend's outbound port
 * (whose connections to the backends are kept alive), and a peer that opens a new mTLS connection to the
 * next backend address for each request. What was sent, and what did not come back 200.
 */
export function steadyLoad(port: number, to: { addresses: string[]; port: number; identity: string; ca: Buffer }) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const out = { sent: 0, fresh: 0, failures: [] as string[], stop: async () => {} };
  let running = true;
  const viaFrontend = async () => {
    while (running) {
      out.sent++;
      const r = await call(port, `/load/${out.sent}`, { agent }).catch((e: Error) => ({ status: 0, body: e.message }));
      if (r.status !== 200) out.failures.push(`via the frontend: ${r.status} ${r.body}`);
    }
  };
  const newConnections = async () => {
    while (running) {
      const address = to.addresses[out.fresh++ % to.addresses.length]!;
      const r = await exchange(address, to.port, request(`/fresh/${out.fresh}`), { identity: to.identity, ca: to.ca });
      if (r.status !== 200) out.failures.push(`new connection to ${address}: ${r.status ?? r.error}`);
    }
  };
  const loops = Promise.all([viaFrontend(), newConnections()]);
  out.stop = async () => {
    running = false;
    await loops;
    agent.destroy();
  };
  return out;
}
