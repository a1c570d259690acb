// L4 mode: after the handshake, bytes are piped to the app unchanged. No headers are added.
import { connect } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Counter } from '../../lib/metrics.js';

export function pipeToUpstream(tls: TLSSocket, host: string, port: number, upstreamErrors: Counter): void {
  const up = connect({ host, port, noDelay: true });
  up.on('error', () => { upstreamErrors.inc(); tls.destroy(); });
  tls.on('error', () => up.destroy());
  tls.pipe(up).pipe(tls);
}
