// A backend sidecar that misbehaves, for the process tests of retries under hostile timing: it holds a
// backend identity and checks the caller's certificate as a real one does, then fails each try at the
// moment the test chooses (on accept, after the request, in the middle of the head or of the body),
// trickles a head that never ends, or answers late.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';

/** What a hostile endpoint does with a try: answer, close at one of the worst moments, trickle its head, or answer late. */
export type Moment = 'ok' | 'on-accept' | 'after-request' | 'mid-head' | 'mid-body' | 'trickle' | { lateMs: number };

export interface HostileEndpoint {
  /** Tries it got (requests read, and connections closed on accept), and their paths ('' for those). */
  seen: string[];
  /** Its connections open now. */
  open(): number;
  close(): void;
}

/**
 * A backend sidecar that misbehaves: a TLS 1.3 server with a backend identity, which requires a client
 * certificate of the mesh CA, on address:port, doing with each try what moment(n) says for the nth.
 */
export async function hostileEndpoint(identity: string, ca: Buffer, address: string, port: number, moment: (n: number) => Moment) {
  const sockets = new Set<TLSSocket>();
  const seen: string[] = [];
  const ok = (s: TLSSocket, path: string) => {
    const body = `hostile ${path}`;
    s.write(`HTTP/1.1 200 OK\r\nx-endpoint: hostile\r\ncontent-length: ${body.length}\r\n\r\n${body}`);
  };
  const act = (s: TLSSocket, m: Moment, path: string) => {
    if (m === 'ok') ok(s, path);
    else if (m === 'after-request') s.destroy();
    else if (m === 'mid-head') s.end('HTTP/1.1 200 OK\r\nx-endpoint: hostile\r\nconte');
    else if (m === 'mid-body') s.end('HTTP/1.1 200 OK\r\nx-endpoint: hostile\r\ncontent-length: 100\r\n\r\n0123456789');
    else if (m === 'trickle') {
      const head = `HTTP/1.1 200 OK\r\nx-trickle: ${'t'.repeat(500)}\r\n\r\n`;
      let i = 0;
      const timer = setInterval(() => s.write(head[i++ % head.length]!), 50);
      s.once('close', () => clearInterval(timer));
    } else if (typeof m === 'object') {
      const timer = setTimeout(() => ok(s, path), m.lateMs);
      s.once('close', () => clearTimeout(timer));
    }
  };
  const read = join(identity, 'tls');
  const options = {
    cert: readFileSync(`${read}.crt`),
    key: readFileSync(`${read}.key`),
    ca,
    requestCert: true,
    minVersion: 'TLSv1.3' as const,
  };
  const server = createTlsServer(options, (s) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
    s.on('error', () => {});
    let first: Moment | undefined = moment(seen.length);
    if (first === 'on-accept') {
      seen.push('');
      s.destroy();
      return;
    }
    let buf = '';
    s.setEncoding('latin1').on('data', (c: string) => {
      buf += c;
      for (let end = buf.indexOf('\r\n\r\n'); end >= 0; end = buf.indexOf('\r\n\r\n')) {
        const path = buf.slice(0, end).split(' ')[1] ?? '';
        // A body (the tests' are short, and come with their head) is skipped.
        buf = buf.slice(end + 4 + Number(/\r\ncontent-length: *(\d+)/i.exec(buf.slice(0, end))?.[1] ?? 0));
        const m = first ?? moment(seen.length);
        first = undefined;
        seen.push(path);
        act(s, m, path);
      }
    });
  });
  await new Promise<void>((r) => server.listen(port, address, r));
  return {
    seen,
    open: () => sockets.size,
    close() {
      for (const s of sockets) s.destroy();
      server.close();
    },
  } satisfies HostileEndpoint;
}
