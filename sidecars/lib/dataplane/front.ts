// The listening socket. It peeks at the first byte of each connection: a TLS ClientHello goes to
// the TLS server; anything else is plain text sent to a TLS port and gets a prompt, clear answer.
import { createServer, type Server, type Socket } from 'node:net';

export interface FrontOptions {
  handshakeTimeoutMs: number;
  plainHttp: 'reject' | 'redirect';
  /** Hands a socket whose first byte is a TLS record to the TLS server. */
  tls(socket: Socket): void;
  onPlain(): void;
}

const TLS_HANDSHAKE = 0x16;

export function plainAnswer(head: Buffer, how: 'reject' | 'redirect'): string {
  const text = head.toString('latin1');
  const path = /^[A-Z]+ (\/[^\s]*) HTTP\/1\.[01]\r?\n/.exec(text)?.[1];
  const host = /\r?\nhost:[ \t]*([^\r\n]+)/i.exec(text)?.[1]?.trim();
  if (how === 'redirect' && path && host && /^[\w.\-:[\]]+$/.test(host)) {
    const location = `https://${host}${path}`;
    return `HTTP/1.1 308 Permanent Redirect\r\nLocation: ${location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`;
  }
  const body = 'This port speaks HTTPS. Plain HTTP is not served here: use https:// instead.\n';
  return `HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`;
}

export function createFront(opts: FrontOptions): Server {
  return createServer((socket) => {
    socket.setNoDelay(true);
    const timer = setTimeout(() => socket.destroy(), opts.handshakeTimeoutMs);
    socket.once('close', () => clearTimeout(timer));
    socket.once('error', () => socket.destroy());
    socket.once('data', (chunk) => {
      socket.pause();
      if (chunk[0] === TLS_HANDSHAKE) {
        socket.unshift(chunk);
        // The TLS server's own handshakeTimeout takes over from here.
        clearTimeout(timer);
        opts.tls(socket);
        return;
      }
      opts.onPlain();
      socket.end(plainAnswer(chunk, opts.plainHttp));
    });
  });
}
