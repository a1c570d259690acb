// The floor under load that bench:https weighs tls-proxy against (issue 28): Bun with the modules tls-proxy's
// bundle loads, and nothing else but a TLS listener on Bun's native sockets that relays bytes to the upstream
// (Bun.listen with tls, Bun.connect), in the tls-proxy image, in the same pod. No parameters, metrics, logs,
// deadlines or drain: what any L4 sidecar on this runtime pays at least. Run as `bun /etc/floor/pipe.mjs`, on 8449.
// `bun /etc/floor/pipe.mjs rewrite` is the floor of an L7 one, on 8450: each request head gets X-Forwarded-For
// and X-Forwarded-Proto before its blank line, found by a search and not parsed (so only requests without a
// body, which is what the bench sends), and the app's responses are relayed as they come, not framed.
import 'node:crypto';
import 'node:dns/promises';
import 'node:events';
import 'node:fs';
import 'node:http';
import 'node:net';
import 'node:path';
import 'node:timers/promises';
import 'node:tls';

const UPSTREAM = { hostname: '127.0.0.1', port: 8081 };
const REWRITE = process.argv[2] === 'rewrite';
const HEAD_END = Buffer.from('\r\n\r\n');

/** The client's bytes with X-Forwarded-* added to each complete head; an incomplete head waits in client.data.head. */
function rewritten(client, bytes) {
  let buf = client.data.head.length ? Buffer.concat([client.data.head, bytes]) : bytes;
  const out = [];
  for (let end = buf.indexOf(HEAD_END); end >= 0; end = buf.indexOf(HEAD_END)) {
    out.push(buf.subarray(0, end + 2), Buffer.from(`X-Forwarded-For: ${client.remoteAddress}\r\nX-Forwarded-Proto: https\r\n\r\n`));
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
  hostname: '127.0.0.1',
  port: REWRITE ? 8450 : 8449,
  tls: { cert: Bun.file('/etc/tls/tls.crt'), key: Bun.file('/etc/tls/tls.key') },
  socket: {
    open(client) {
      client.data = { queue: [], peer: undefined, early: [], head: Buffer.alloc(0) };
      Bun.connect({ ...UPSTREAM, data: { queue: [], peer: client }, socket: upstreamSide }).then(
        (up) => {
          client.data.peer = up;
          for (const b of client.data.early) send(up, b);
          client.data.early = [];
        },
        () => client.end(),
      );
    },
    data(client, raw) {
      const bytes = REWRITE ? rewritten(client, raw) : raw;
      if (!bytes.length) return;
      if (client.data.peer) send(client.data.peer, bytes);
      else client.data.early.push(Buffer.from(bytes));
    },
    drain: flush,
    close: (client) => client.data.peer?.end(),
    error: (client) => client.data.peer?.end(),
  },
});
