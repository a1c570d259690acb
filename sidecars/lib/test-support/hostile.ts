// Hostile requests for any sidecar listener, written to a raw socket so that nothing on the client
// side cleans them up. Each listener must answer every one with a 4xx (or close), and keep serving.
import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

/** Targets Node's parser takes but that break naive URL handling, and forms HTTP/1.1 does not allow. */
export const MALFORMED_TARGETS = [
  '//[',
  '//[::1',
  '/[',
  'http://[',
  'http://[::1',
  'http://a:99999/',
  'http://user@/x',
  '//',
  '///',
  '?x',
  'x',
  '*',
  'example.com:443',
  '/%',
  '/%zz',
  '/\\\\',
  'http:/x',
  'http://',
  'https://:80/',
  'ftp://x/',
];

export interface RawAnswer {
  status: number | undefined;
  text: string;
}

export interface Endpoint {
  port: number;
  tls?: { ca?: string; servername?: string; rejectUnauthorized?: boolean };
}

function open(e: Endpoint): Socket {
  return e.tls
    ? tlsConnect({
        host: '127.0.0.1',
        port: e.port,
        servername: e.tls.servername ?? 'localhost',
        ca: e.tls.ca,
        rejectUnauthorized: e.tls.rejectUnauthorized ?? Boolean(e.tls.ca),
      })
    : tcpConnect({ host: '127.0.0.1', port: e.port });
}

/** Sends bytes on a new connection and reads until the server closes it or the limit passes. */
export function rawExchange(e: Endpoint, bytes: string | Buffer, limitMs = 3000): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const s = open(e);
    let text = '';
    const done = () => {
      clearTimeout(timer);
      s.destroy();
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      resolve({ status: m ? Number(m[1]) : undefined, text });
    };
    const timer = setTimeout(done, limitMs);
    s.setEncoding('latin1');
    s.on(e.tls ? 'secureConnect' : 'connect', () => s.write(bytes));
    s.on('data', (c: string) => {
      text += c;
      // One complete response with Content-Length is enough; no need to wait for the close.
      const head = text.indexOf('\r\n\r\n');
      const len = /\r\ncontent-length: *(\d+)/i.exec(text.slice(0, head))?.[1];
      if (head >= 0 && len !== undefined && text.length >= head + 4 + Number(len)) done();
    });
    s.on('error', done);
    s.on('close', done);
  });
}

/** A request line and Host header for one target; method GET unless given. */
export const requestFor = (target: string, method = 'GET') =>
  `${method} ${target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`;

/** Every malformed target answered with a 4xx or a closed connection: the statuses, keyed by target. */
export async function hostileRound(e: Endpoint): Promise<Map<string, number | undefined>> {
  const out = new Map<string, number | undefined>();
  for (const t of MALFORMED_TARGETS) out.set(t, (await rawExchange(e, requestFor(t))).status);
  return out;
}
