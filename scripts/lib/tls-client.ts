// HTTPS from the host to a stack, always verified against the stack's CA (never turned off).
import { request, type Agent } from 'node:https';
import { connect as tcpConnect } from 'node:net';
import { connect, type PeerCertificate, type SecureVersion, type TLSSocket } from 'node:tls';

export interface Response {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  serial: string;
  localPort: number;
}

export function httpsGet(url: string, o: { ca: Buffer; agent?: Agent; timeoutMs?: number }): Promise<Response> {
  return new Promise((resolve, reject) => {
    // No agent given means a new connection: Node 20's global agent would reuse a pooled one.
    const req = request(url, { ca: o.ca, agent: o.agent ?? false, servername: 'localhost', timeout: o.timeoutMs ?? 3000 }, (res) => {
      // Read the socket now: by 'end' a keep-alive socket may already be back in the agent's pool.
      const socket = res.socket as TLSSocket;
      const serial = (socket.getPeerCertificate() as PeerCertificate).serialNumber?.toUpperCase() ?? '';
      const localPort = socket.localPort ?? 0;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), serial, localPort }),
      );
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} within ${o.timeoutMs ?? 3000} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/** A bare handshake with a chosen TLS version range; resolves with the negotiated protocol. */
export function handshake(host: string, port: number, o: { min: SecureVersion; max: SecureVersion; ca?: Buffer }): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(
      {
        host,
        port,
        servername: 'localhost',
        minVersion: o.min,
        maxVersion: o.max,
        ca: o.ca,
        // Let this client offer old protocols, so a refusal is the server's decision, not ours.
        ciphers: 'DEFAULT@SECLEVEL=0',
        rejectUnauthorized: Boolean(o.ca),
      },
      () => {
        const p = s.getProtocol() ?? '';
        s.end();
        resolve(p);
      },
    );
    s.setTimeout(3000, () => s.destroy(new Error('handshake timed out')));
    s.on('error', reject);
  });
}

/** Sends raw bytes to host:port and resolves with what comes back before the server closes. */
export function rawExchange(host: string, port: number, payload: string, timeoutMs = 3000): Promise<{ reply: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const chunks: Buffer[] = [];
    const s = tcpConnect({ host, port }, () => s.write(payload));
    s.setTimeout(timeoutMs, () => s.destroy(new Error(`no reply within ${timeoutMs} ms`)));
    s.on('data', (c: Buffer) => chunks.push(c));
    s.on('close', () => resolve({ reply: Buffer.concat(chunks).toString('latin1'), ms: Date.now() - t0 }));
    s.on('error', reject);
  });
}
