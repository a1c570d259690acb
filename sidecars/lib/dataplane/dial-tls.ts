// A client TLS connection on Bun's native sockets for mTLS between sidecars: the server is accepted only
// if its chain verified and the caller's check of its certificate passed, and nothing written goes out
// before that. The name the server was reached by is not checked (the check says who it must be). Bun
// reports a failed chain before a name that does not match, and reports the name only when the chain
// verified (both pinned by test/bun-mtls.test.ts at the Bun version in package.json).
import { bunConnect, type ClientTls } from './bun-socket.js';
import { NativeConn, type PeerCertificate } from './native-conn.js';

/** Bun's code for a verified chain whose names do not include the one dialled. */
const NAME_MISMATCH = 'ERR_TLS_CERT_ALTNAME_INVALID';

export function dialTls(
  host: string,
  port: number,
  secureContext: unknown,
  check: (peer: PeerCertificate) => Error | undefined,
): NativeConn {
  const c = new NativeConn(false, true);
  c.wantsPeer = true;
  c.onHandshake = (ok, err) => {
    c.onHandshake = undefined;
    const chained = ok ? !err && c.peer?.authorized === true : (err as NodeJS.ErrnoException | null)?.code === NAME_MISMATCH;
    // Errors carry a code, so that a caller that sorts failures (mesh-proxy's retries) counts this as a TLS one.
    const refusal = chained
      ? check(c.peer!)
      : (err ?? Object.assign(new Error('TLS handshake failed'), { code: 'ERR_SSL_HANDSHAKE_FAILED' }));
    if (refusal) c.failed(refusal);
    else c.open();
  };
  const tls: ClientTls = { secureContext, rejectUnauthorized: false };
  bunConnect(host, port, c, NativeConn.handlers, tls).catch((err: Error) => c.failed(err));
  return c;
}
