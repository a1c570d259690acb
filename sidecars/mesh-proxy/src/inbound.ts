// The inbound half: mTLS in front of the app. A peer must present a certificate that chains to the mesh
// CA (no certificate, or another CA's, ends the handshake), and its SPIFFE ID must be on the allow list
// (else one 403 and the connection closes). Allowed requests go to the app over the pod loopback with
// the caller's identity in X-Forwarded-Client-Cert (By=<us>;URI=<caller>, Envoy's format; a client's
// own value never passes) and a traceparent naming this hop's server span.
import type { Socket } from 'node:net';
import { createServer as createTlsServer, type SecureContextOptions, type TLSSocket } from 'node:tls';
import type { Logger } from '../../lib/log.js';
import {
  byClass,
  createFront,
  HttpSession,
  ownAnswer,
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

export function createInbound(o: InboundOptions) {
  const sessions = new Set<HttpSession>();
  const denied = new Set<TLSSocket>();
  const tls = createTlsServer(
    {
      ...o.secure,
      requestCert: true,
      rejectUnauthorized: true,
      minVersion: 'TLSv1.3',
      ALPNProtocols: ['http/1.1'],
      handshakeTimeout: o.handshakeTimeoutMs,
    },
    (s: TLSSocket) => {
      s.setNoDelay(true);
      const peer = certSpiffeId(s.getPeerX509Certificate()?.subjectAltName);
      if (peer === undefined || !o.allowed.has(peer)) {
        o.m.connections.inc({ result: 'denied', peer: peer ?? 'none' });
        o.log.warn('caller not allowed', { peer: peer ?? 'no SPIFFE ID' });
        // One answer, then the connection lingers until the caller closes or the deadline passes, whatever it still sends.
        lingerClose(
          s,
          ownAnswer(403, `RBAC: access denied: ${peer ?? 'a certificate without a SPIFFE ID'} may not call ${o.selfId}\n`, 'GET'),
        );
        denied.add(s);
        s.once('close', () => denied.delete(s));
        return;
      }
      o.m.connections.inc({ result: 'ok', peer });
      const session = new HttpSession(s, { ...o.session, router: inboundRouter(o, peer) });
      sessions.add(session);
      s.once('close', () => sessions.delete(session));
    },
  );
  tls.on('tlsClientError', (err, socket) => {
    o.m.connections.inc({ result: handshakeResult(err), peer: 'none' });
    o.log.debug('handshake failed', { err });
    socket.destroy();
  });
  const open = new Set<Socket>();
  const front = createFront({
    handshakeTimeoutMs: o.handshakeTimeoutMs,
    plainHttp: 'reject',
    tls: (s) => tls.emit('connection', s),
    onPlain: () => o.m.connections.inc({ result: 'plain_http', peer: 'none' }),
  });
  front.on('connection', (s: Socket) => {
    open.add(s);
    s.once('close', () => open.delete(s));
  });
  return {
    front,
    /** A new identity for new connections. */
    rotate: (secure: SecureContextOptions) => tls.setSecureContext({ ...secure, minVersion: 'TLSv1.3' } as SecureContextOptions),
    closeIdle: () => {
      for (const s of sessions) s.closeIfIdle();
    },
    /** Connections a drain waits for: all but those that linger after their last answer. */
    active: () => open.size - denied.size - [...sessions].filter((s) => !s.open).length,
  };
}
