// The TLS listener on Bun's native sockets. It accepts plain TCP and looks at the first bytes: a TLS
// handshake record starts TLS on that socket (server side, with the secure context current at that
// moment, so a renewed certificate serves the next connection), anything else is plain text sent to a
// TLS port and gets front.ts's answer. One deadline runs from accept to the end of the handshake:
// bytes trickled in do not extend it. With client certificates required (mTLS), a connection whose
// certificate did not verify is refused here: Bun ends such a handshake as a success with an error
// beside it, and does not close the connection itself (pinned by test/bun-mtls.test.ts).
import { type BunListener, type BunSocket, bunListen, type ServerTls, upgradeServerTls } from './bun-socket.js';
import { plainAnswer } from './front.js';
import { NativeConn } from './native-conn.js';

export interface NativeFrontOptions {
  handshakeTimeoutMs: number;
  plainHttp: 'reject' | 'redirect';
  /** The TLS settings of a new connection, read as it begins its handshake. */
  tls(): ServerTls;
  /** mTLS: a connection whose client certificate did not verify fails the handshake. The context must ask for
   * one (requestCert), and the upgrade must be given no ALPN, which would drop that ask. */
  clientCertificates?: boolean;
  /** A connection whose handshake succeeded (with clientCertificates, conn.peer is the verified client's). */
  secure(conn: NativeConn): void;
  onPlain(): void;
  /** The handshake failed, or did not end in time. */
  onHandshakeError(err: Error): void;
  /** Every accepted connection, plain or TLS, as it opens and closes. */
  opened(): void;
  closed(): void;
}

interface Accepted {
  timer: NodeJS.Timeout | undefined;
  conn: NativeConn | undefined;
}

const TLS_HANDSHAKE = 0x16;

/** Listens on address:port (throws as Bun.listen does); stop() stops accepting, open connections go on. */
export function listenNative(address: string, port: number, o: NativeFrontOptions): BunListener {
  const deadline = (s: BunSocket<Accepted>) => {
    s.data.timer = undefined;
    if (s.data.conn) {
      // Settled here: the handshake handler that the cut calls counts nothing.
      s.data.conn.onHandshake = undefined;
      o.onHandshakeError(new Error('TLS handshake timeout'));
      s.data.conn.destroy();
    }
    s.terminate();
  };
  const startTls = (s: BunSocket<Accepted>, first: Buffer) => {
    const conn = new NativeConn(true);
    s.data.conn = conn;
    conn.wantsPeer = o.clientCertificates === true;
    conn.onHandshake = (ok, err) => {
      conn.onHandshake = undefined;
      clearTimeout(s.data.timer);
      s.data.timer = undefined;
      const verified = !o.clientCertificates || (!err && conn.peer?.authorized === true);
      if (!ok || !verified) {
        o.onHandshakeError(err ?? new Error(ok ? 'the client certificate was not verified' : 'TLS handshake failed'));
        conn.destroy();
        s.terminate();
        return;
      }
      o.secure(conn);
      conn.start();
    };
    try {
      upgradeServerTls(s, o.tls(), first, conn, NativeConn.handlers);
    } catch (err) {
      clearTimeout(s.data.timer);
      o.onHandshakeError(err as Error);
      s.terminate();
    }
  };
  return bunListen<Accepted>(address, port, {
    open(s) {
      s.data = { timer: undefined, conn: undefined };
      s.setNoDelay(true);
      s.data.timer = setTimeout(() => deadline(s), o.handshakeTimeoutMs);
      o.opened();
    },
    data(s, chunk) {
      // After the upgrade this socket still sees the ciphertext, which the TLS socket reads.
      if (s.data.conn) return;
      if (chunk[0] === TLS_HANDSHAKE) return startTls(s, chunk);
      clearTimeout(s.data.timer);
      o.onPlain();
      s.end(plainAnswer(chunk, o.plainHttp));
    },
    close(s) {
      clearTimeout(s.data.timer);
      // A client gone in the middle of its handshake: a failed one (node:tls says so with tlsClientError).
      const conn = s.data.conn;
      if (conn?.onHandshake) {
        conn.onHandshake = undefined;
        o.onHandshakeError(new Error('the client closed the connection during the TLS handshake'));
      }
      o.closed();
    },
    error() {},
  });
}

/** A plain TCP listener whose every connection is a NativeConn; stop() stops accepting, open connections go on. With
 * allowHalfOpen, a client's FIN leaves the connection open for the answers it is owed: its reader ends it. */
export function listenPlain(address: string, port: number, accepted: (conn: NativeConn) => void, allowHalfOpen = false): BunListener {
  return bunListen<NativeConn>(
    address,
    port,
    {
      ...NativeConn.handlers,
      open(s) {
        s.data = new NativeConn();
        s.data.allowHalfOpen = allowHalfOpen;
        s.data.attach(s);
        accepted(s.data);
      },
    },
    allowHalfOpen,
  );
}
