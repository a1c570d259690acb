// The floor under load that bench:https and bench:mesh weigh their sidecars against (issue 28): Bun with the
// modules tls-proxy's bundle loads, and nothing else but a listener on Bun's native sockets that relays bytes to
// one address (Bun.listen, Bun.connect), in the sidecar's own image, in the same pod. No metrics, logs,
// deadlines or drain: what any sidecar on this runtime pays at least. Run as `bun /etc/floor-pipe/pipe.mjs`:
//   --listen PORT         where it listens
//   --address ADDRESS     on which address (127.0.0.1 unless said)
//   --cert DIR            TLS on that port, with DIR/tls.crt and DIR/tls.key (else plain TCP)
//   --client-ca FILE      and a client certificate signed by FILE required (mTLS)
//   --to HOST:PORT        where every connection is relayed to
//   --to-identity DIR     TLS to it, with DIR/tls.crt, DIR/tls.key and the peer checked against DIR/ca.crt
//   --server-name NAME    the name the peer's certificate must have (with --to-identity)
//   --rewrite             the floor of an L7 sidecar: each request head gets X-Forwarded-For and -Proto before its blank
//                         line, found by a search and not parsed (so only requests without a body, which is what
//                         the benches send); responses are relayed as they come, not framed.
import 'node:crypto';
import 'node:dns/promises';
import 'node:events';
import 'node:fs';
import 'node:http';
import 'node:net';
import 'node:path';
import 'node:timers/promises';
import 'node:tls';
import { parseArgs } from 'node:util';

const { values: o } = parseArgs({
  options: {
    listen: { type: 'string' },
    address: { type: 'string', default: '127.0.0.1' },
    cert: { type: 'string' },
    'client-ca': { type: 'string' },
    to: { type: 'string' },
    'to-identity': { type: 'string' },
    'server-name': { type: 'string' },
    rewrite: { type: 'boolean', default: false },
  },
});
const [host, port] = (o.to ?? '').split(':');
if (!o.listen || !host || !port) throw new Error('floor pipe: --listen PORT and --to HOST:PORT are required');
const files = (dir) => ({ cert: Bun.file(`${dir}/tls.crt`), key: Bun.file(`${dir}/tls.key`) });
const serverTls = o.cert && {
  ...files(o.cert),
  ...(o['client-ca'] ? { ca: Bun.file(o['client-ca']), requestCert: true, rejectUnauthorized: true } : {}),
};
const id = o['to-identity'];
const upstream = {
  hostname: host,
  port: Number(port),
  ...(id ? { tls: { ...files(id), ca: Bun.file(`${id}/ca.crt`), serverName: o['server-name'], rejectUnauthorized: true } } : {}),
};
const HEAD_END = Buffer.from('\r\n\r\n');

const PROTO = o.cert ? 'https' : 'http';

/** The client's bytes with X-Forwarded-* added to each complete head; an incomplete head waits in client.data.head. */
function rewritten(client, bytes) {
  let buf = client.data.head.length ? Buffer.concat([client.data.head, bytes]) : bytes;
  const out = [];
  for (let end = buf.indexOf(HEAD_END); end >= 0; end = buf.indexOf(HEAD_END)) {
    out.push(buf.subarray(0, end + 2), Buffer.from(`X-Forwarded-For: ${client.remoteAddress}\r\nX-Forwarded-Proto: ${PROTO}\r\n\r\n`));
    buf = buf.subarray(end + 4);
  }
  client.data.head = Buffer.from(buf);
  return Buffer.concat(out);
}

/** Writes what the socket takes now and keeps the rest for its drain. */
function send(to, bytes) {
  // A copy is kept: the bytes of a read are the caller's only during its handler.
  if (to.data.queue.length) return void to.data.queue.push(Buffer.from(bytes));
  const n = to.write(bytes);
  if (n < bytes.length) to.data.queue.push(Buffer.from(bytes.subarray(Math.max(n, 0))));
}

function flush(s) {
  while (s.data.queue.length) {
    const b = s.data.queue[0];
    const n = s.write(b);
    if (n < b.length) {
      s.data.queue[0] = b.subarray(Math.max(n, 0));
      return;
    }
    s.data.queue.shift();
  }
}

const upstreamSide = {
  data: (up, bytes) => send(up.data.peer, bytes),
  drain: flush,
  close: (up) => up.data.peer.end(),
  error: (up) => up.data.peer.end(),
};

Bun.listen({
  hostname: o.address,
  port: Number(o.listen),
  ...(serverTls ? { tls: serverTls } : {}),
  socket: {
    open(client) {
      client.data = { queue: [], peer: undefined, early: [], head: Buffer.alloc(0) };
      Bun.connect({ ...upstream, data: { queue: [], peer: client }, socket: upstreamSide }).then(
        (up) => {
          client.data.peer = up;
          for (const b of client.data.early) send(up, b);
          client.data.early = [];
        },
        () => client.end(),
      );
    },
    data(client, raw) {
      const bytes = o.rewrite ? rewritten(client, raw) : raw;
      if (!bytes.length) return;
      if (client.data.peer) send(client.data.peer, bytes);
      else client.data.early.push(Buffer.from(bytes));
    },
    drain: flush,
    close: (client) => client.data.peer?.end(),
    error: (client) => client.data.peer?.end(),
  },
});
