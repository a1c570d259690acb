// The floor under load that bench:https weighs tls-proxy against (issue 28): Bun with the modules tls-proxy's
// bundle loads, and nothing else but a TLS listener on Bun's native sockets that relays bytes to the upstream
// (Bun.listen with tls, Bun.connect), in the tls-proxy image, in the same pod. No parameters, metrics, logs,
// deadlines or drain: what any L4 sidecar on this runtime pays at least. Run as `bun /etc/floor/pipe.mjs`.
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
  port: 8449,
  tls: { cert: Bun.file('/etc/tls/tls.crt'), key: Bun.file('/etc/tls/tls.key') },
  socket: {
    open(client) {
      client.data = { queue: [], peer: undefined, early: [] };
      Bun.connect({ ...UPSTREAM, data: { queue: [], peer: client }, socket: upstreamSide }).then(
        (up) => {
          client.data.peer = up;
          for (const b of client.data.early) send(up, b);
          client.data.early = [];
        },
        () => client.end(),
      );
    },
    data(client, bytes) {
      if (client.data.peer) send(client.data.peer, bytes);
      else client.data.early.push(Buffer.from(bytes));
    },
    drain: flush,
    close: (client) => client.data.peer?.end(),
    error: (client) => client.data.peer?.end(),
  },
});
