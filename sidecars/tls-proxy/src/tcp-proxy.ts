// L4 mode: after the handshake, bytes are piped to the app unchanged. No headers are added.
// The app's bytes are read into one shared buffer (net's onread) and copied straight into the TLS
// socket, which skips a Buffer and a stream 'data' event per read; see docs/benchmarks.md.
import { connect } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Counter } from '../../lib/metrics.js';

// Safe to share: each read is copied out before the callback returns, and reads never interleave.
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

export function pipeToUpstream(tls: TLSSocket, host: string, port: number, upstreamErrors: Counter): void {
  const up = connect({
    host,
    port,
    noDelay: true,
    onread: {
      buffer: READ_BUFFER,
      // Returning false pauses the app's socket until the client has taken what was written.
      callback: (n, buf) => tls.write(Buffer.from(buf.subarray(0, n))),
    },
  });
  tls.on('drain', () => up.resume());
  up.on('error', () => {
    upstreamErrors.inc();
    tls.destroy();
  });
  up.on('end', () => tls.end());
  tls.on('data', (chunk: Buffer) => {
    if (!up.write(chunk)) tls.pause();
  });
  up.on('drain', () => tls.resume());
  tls.on('end', () => up.end());
  tls.on('error', () => up.destroy());
  tls.on('close', () => up.destroy());
}
