// L4 mode: after the handshake, bytes are piped to the app unchanged. No headers are added. Both
// directions are 'data' events written on with explicit back-pressure, on Bun's native sockets
// (NativeConn), without node:net's stream layer.
import type { Conn } from '../../lib/conn.js';
import type { Counter } from '../../lib/metrics.js';

export function pipeToUpstream(client: Conn, up: Conn, upstreamErrors: Counter): void {
  up.on('data', (chunk: Buffer) => {
    if (!client.write(chunk)) up.pause();
  });
  client.on('drain', () => up.resume());
  up.on('error', () => {
    upstreamErrors.inc();
    client.destroy();
  });
  up.on('end', () => client.end());
  client.on('data', (chunk: Buffer) => {
    if (!up.write(chunk)) client.pause();
  });
  up.on('drain', () => client.resume());
  client.on('end', () => up.end());
  client.on('error', () => up.destroy());
  client.on('close', () => up.destroy());
}
