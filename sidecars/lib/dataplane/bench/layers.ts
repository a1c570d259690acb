// The probe of npm run bench:https-layers (stacks/https/bench-layers.ts): where http mode's CPU goes, one layer
// of the data plane at a time. Each layer is a TLS listener on the data plane's own front (listenNative,
// NativeConn) relaying to one plain-HTTP upstream, and adds one part of http mode to the layer before it:
//   relay    bytes relayed both ways (what tcp mode does, without its metrics)
//   floor    each request head found by a search and X-Forwarded-* added; responses relayed as they come
//   strict   each request head read strictly (headEnd, parseHead, parseTarget, requestHead) and rewritten
//   framed   and each response framed (ResponseParser), its head rewritten (clientHead), sent with its body
//   session  an HttpSession (timers, the keep-alive pool, the route): http mode without its metrics and logs
// From floor to framed, only requests without a body are relayed (what the bench sends); a request the strict
// reader refuses closes its connection. probe.ts runs one as a process.
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { createLogger } from '../../log.js';
import { parseTarget } from '../../target.js';
import { alpnWire } from '../bun-socket.js';
import { requestHead } from '../forwarded.js';
import { HttpSession } from '../http-session.js';
import { dial, type NativeConn } from '../native-conn.js';
import { listenNative } from '../native-front.js';
import { headEnd, parseHead } from '../request-parser.js';
import { clientHead } from '../response-head.js';
import { ResponseParser } from '../response-parser.js';
import { singlePool } from '../route.js';
import { UpstreamPool } from '../upstream.js';

export const LAYERS = ['relay', 'floor', 'strict', 'framed', 'session'] as const;
export type Layer = (typeof LAYERS)[number];

const HOST = '127.0.0.1';
const HEAD_END = Buffer.from('\r\n\r\n');

interface Probe {
  listen: number;
  upstream: number;
}

/** The request side of a layer: what the upstream gets for the client's bytes, or undefined to wait for more. */
type RequestSide = (conn: NativeConn, buf: Buffer) => { out: string; rest: Buffer } | undefined;

const found: RequestSide = (conn, buf) => {
  const end = buf.indexOf(HEAD_END);
  if (end < 0) return undefined;
  const head = buf.toString('latin1', 0, end + 2);
  return { out: `${head}X-Forwarded-For: ${conn.remoteAddress}\r\nX-Forwarded-Proto: https\r\n\r\n`, rest: buf.subarray(end + 4) };
};

const strict =
  (p: Probe): RequestSide =>
  (conn, buf) => {
    const end = headEnd(buf);
    if (end < 0) return undefined;
    const req = parseHead(buf, end);
    const r = requestHead(req, parseTarget(req.method, req.target), conn.remoteAddress ?? '', p.listen, `${HOST}:${p.upstream}`);
    return { out: r.head, rest: buf.subarray(end) };
  };

/** The response side of the framed layer: each response read by the strict parser and framed again for the client. */
function framedResponses(conn: NativeConn, up: NativeConn): void {
  let out: Buffer[] = [];
  const parser = new ResponseParser({
    head: (h) => {
      const r = clientHead(h, { method: 'GET', http10: false, close: false, keepAliveSeconds: 60 });
      out.push(Buffer.from(r.head, 'latin1'));
    },
    body: (c) => out.push(c),
    end: () => parser.begin('GET'),
  });
  parser.begin('GET');
  up.on('data', (chunk: Buffer) => {
    out = [];
    parser.push(chunk);
    if (out.length) conn.write(out.length === 1 ? out[0]! : Buffer.concat(out));
  });
}

/** One connection of the relay, floor, strict or framed layer. */
function relayed(layer: Exclude<Layer, 'session'>, p: Probe, conn: NativeConn): void {
  const up = dial(HOST, p.upstream);
  conn.on('close', () => up.destroy());
  up.on('close', () => conn.destroy());
  if (layer === 'relay') {
    conn.on('data', (chunk: Buffer) => up.write(chunk));
    up.on('data', (chunk: Buffer) => conn.write(chunk));
    return;
  }
  const side = layer === 'floor' ? found : strict(p);
  let buf: Buffer = Buffer.alloc(0);
  conn.on('data', (chunk: Buffer) => {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    try {
      for (let r = side(conn, buf); r; r = side(conn, buf)) {
        up.write(r.out, 'latin1');
        buf = r.rest;
      }
    } catch {
      conn.destroy();
    }
  });
  if (layer === 'framed') framedResponses(conn, up);
  else up.on('data', (chunk: Buffer) => conn.write(chunk));
}

/** Listens on 127.0.0.1:listen with the layer's path to the upstream at 127.0.0.1:upstream, serving the PEM files cert and key. */
export function startLayer(layer: Layer, p: Probe & { cert: string; key: string }) {
  const ctx = createSecureContext({ cert: readFileSync(p.cert), key: readFileSync(p.key) });
  const tls = { secureContext: ctx.context, ALPNProtocols: alpnWire(['http/1.1']) };
  const pool = new UpstreamPool(HOST, p.upstream, 256, () => dial(HOST, p.upstream));
  const session = {
    log: createLogger('bench-layers'),
    listenPort: p.listen,
    idleTimeoutMs: 60_000,
    headerTimeoutMs: 10_000,
    maxBodyBytes: 64 << 20,
    draining: () => false,
    upstreamErrors: { inc() {} },
    router: singlePool(pool),
    defaultHost: `${HOST}:${p.upstream}`,
  };
  return listenNative(HOST, p.listen, {
    handshakeTimeoutMs: 10_000,
    plainHttp: 'reject',
    tls: () => tls,
    secure(conn) {
      if (layer === 'session') new HttpSession(conn, session);
      else relayed(layer, p, conn);
    },
    onPlain() {},
    onHandshakeError() {},
    opened() {},
    closed() {},
  });
}
