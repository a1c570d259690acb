// How the load generators open a connection to a target: plain TCP, or TLS 1.3 verified against the bench CA.
import { readFileSync } from 'node:fs';
import { connect as tcp, type Socket } from 'node:net';
import { connect as tls, createSecureContext, type SecureContext } from 'node:tls';

export interface Target {
  host: string;
  port: number;
  tls: boolean;
  ca?: string;
  path: string;
}

let context: SecureContext | undefined;

/** Opens a connection; resolves once it can carry a request (after the TLS handshake for TLS). */
export function open(t: Target): Promise<Socket> {
  return new Promise((resolve, reject) => {
    let s: Socket;
    if (t.tls) {
      // One context for every connection: building one per connection would dominate the client's cost.
      context ??= createSecureContext({ ca: t.ca ? readFileSync(t.ca) : undefined, minVersion: 'TLSv1.3' });
      s = tls({ host: t.host, port: t.port, servername: 'localhost', secureContext: context, rejectUnauthorized: Boolean(t.ca) }, () =>
        resolve(s),
      );
      s.setNoDelay(true);
    } else {
      s = tcp({ host: t.host, port: t.port, noDelay: true }, () => resolve(s));
    }
    s.once('error', reject);
  });
}
