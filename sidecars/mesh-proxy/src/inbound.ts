// The inbound half: mTLS in front of the app. A peer must present a certificate that chains to the mesh
// CA (no certificate, or another CA's, ends the handshake), and its SPIFFE ID must be on the allow list
// (else one 403 and the connection closes). Allowed requests go to the app over the pod loopback with
// the caller's identity in X-Forwarded-Client-Cert (By=<us>;URI=<caller>, Envoy's format; a client's
// own value never passes) and a traceparent naming this hop's server span.
import { createSecureContext, type SecureContextOptions } from 'node:tls';
import type { Logger } from '../../lib/log.js';
import {
  byClass,
  HttpSession,
  listenNative,
  type NativeConn,
  type NativeFrontOptions,
  ownAnswer,
  type ServerTls,
  type Router,
  type SessionContext,
  singlePool,
  type UpstreamPool,
} from '../../lib/dataplane/index.js';
import { lingerClose } from '../../lib/linger.js';
import type { Exporter } from './exporter.js';
import type { Metrics } from './metrics.js';
import { certSpiffeId } from './spiffe.js';
import { endSpan, SERVER, spanTraceparent, startSpan, traceparentOf } from './trace.js';

export interface InboundOptions {
  service: string;
  selfId: string;
  allowed: ReadonlySet<string>;
  app: UpstreamPool;
  secure: SecureContextOptions;
  handshakeTimeoutMs: number;
  /** The session settings every connection shares; each gets its own router. */
  session: Omit<SessionContext, 'router'>;
  m: Metrics;
  log: Logger;
  exporter: Exporter | undefined;
}

const DROP: ReadonlySet<string> = new Set(['traceparent']);

/** Why a handshake failed, as the connections metric says it. */
export function handshakeResult(err: Error & { code?: string }): string {
  const text = `${err.code ?? ''} ${err.message}`.toUpperCase();
  if (/DID_NOT_RETURN_A_CERTIFICATE|CERTIFICATE_REQUIRED|NO_CERTIFICATE|PEER_DID_NOT/.test(text)) return 'no_certificate';
  if (/VERIFY|UNKNOWN_CA|UNABLE_TO_GET_ISSUER|SELF_SIGNED|CERT/.test(text)) return 'untrusted_certificate';
  return 'handshake_error';
}

/** The router of one peer's connection: to the app, with the peer's identity and a server span. */
export function inboundRouter(o: InboundOptions, peer: string): Router {
  const app = singlePool(o.app);
  const xfcc = `x-forwarded-client-cert: By=${o.selfId};URI=${peer}\r\n`;
  const count = byClass(o.m.requests, { direction: 'inbound', destination: o.service, peer });
  return {
    drop: DROP,
    route(req) {
      const base = app.route(req);
      const span = startSpan(traceparentOf(req.rawHeaders), `${req.method} ${o.service}`, SERVER);
      const t0 = process.hrtime.bigint();
      return {
        ...base,
        headers: `${xfcc}traceparent: ${spanTraceparent(span)}\r\n`,
        done(status, conn) {
          base.done(status, conn);
          count(status);
          o.m.inboundDuration.observe(Number(process.hrtime.bigint() - t0) / 1e9);
          o.exporter?.add(endSpan(span, req, status, { 'peer.spiffe_id': peer }));
        },
      };
    },
  };
}

/** The inbound listener's settings for a new connection: the identity, client certificates required, TLS 1.3 only. */
function serverTls(secure: SecureContextOptions): ServerTls {
  // Bun's native context reads the server options too (Node's types do not say so).
  const options: SecureContextOptions & { requestCert: boolean; rejectUnauthorized: boolean } = {
    ...secure,
    requestCert: true,
    rejectUnauthorized: true,
    minVersion: 'TLSv1.3',
  };
  const context = createSecureContext(options);
  // No ALPN: Bun's upgrade given ALPN protocols beside a context stops asking for client certificates
  // (pinned by sidecars/lib/dataplane/test/bun-mtls.test.ts).
  return { secureContext: context.context };
}

export function createInbound(o: InboundOptions) {
  const sessions = new Set<HttpSession>();
  const denied = new Set<NativeConn>();
  let tls = serverTls(o.secure);
  let open = 0;
  const accept = (conn: NativeConn) => {
    const peer = certSpiffeId(conn.peer?.subjectAltName);
    if (peer === undefined || !o.allowed.has(peer)) {
      o.m.connections.inc({ result: 'denied', peer: peer ?? 'none' });
      o.log.warn('caller not allowed', { peer: peer ?? 'no SPIFFE ID' });
      // One answer, then the connection lingers until the caller closes or the deadline passes, whatever it still sends.
      lingerClose(
        conn,
        ownAnswer(403, `RBAC: access denied: ${peer ?? 'a certificate without a SPIFFE ID'} may not call ${o.selfId}\n`, 'GET'),
      );
      denied.add(conn);
      conn.once('close', () => denied.delete(conn));
      return;
    }
    o.m.connections.inc({ result: 'ok', peer });
    const session = new HttpSession(conn, { ...o.session, router: inboundRouter(o, peer) });
    sessions.add(session);
    conn.once('close', () => sessions.delete(session));
  };
  const front: NativeFrontOptions = {
    handshakeTimeoutMs: o.handshakeTimeoutMs,
    plainHttp: 'reject',
    tls: () => tls,
    clientCertificates: true,
    secure: accept,
    onPlain: () => o.m.connections.inc({ result: 'plain_http', peer: 'none' }),
    onHandshakeError(err) {
      o.m.connections.inc({ result: handshakeResult(err), peer: 'none' });
      o.log.debug('handshake failed', { err });
    },
    opened: () => void open++,
    closed: () => void open--,
  };
  return {
    listen: (address: string, port: number) => listenNative(address, port, front),
    /** A new identity for new connections. */
    rotate: (secure: SecureContextOptions) => {
      tls = serverTls(secure);
    },
    closeIdle: () => {
      for (const s of sessions) s.closeIfIdle();
    },
    /** Connections a drain waits for: all but those that linger after their last answer. */
    active: () => open - denied.size - [...sessions].filter((s) => !s.open).length,
  };
}
