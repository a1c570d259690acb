// How a connection ends when its last answer goes out before the client is done sending: the server
// half-closes (its answer and a FIN), then reads and drops whatever the client still sends, so that the
// client's unread bytes never turn the close into a reset that destroys the answer before the client
// reads it (nginx's lingering close). A deadline ends the lingering whatever the client does: trickled
// bytes do not extend it. The proxies' sessions, mesh-proxy's denied callers and every listener served
// through lib/http.ts end this way.
import type { Conn } from './conn.js';

/** How long a connection may linger after its last answer, at most. */
export const LINGER_MS = 5000;

const lingering = new WeakSet<Conn>();

/** Writes the last answer (if any), half-closes, drops what the client still sends, and cuts the connection at the deadline. */
export function lingerClose(socket: Conn, answer?: string | Buffer, ms = LINGER_MS): void {
  if (lingering.has(socket)) return;
  lingering.add(socket);
  if (answer === undefined) socket.end();
  else socket.end(answer);
  socket.resume();
  const timer = setTimeout(() => socket.destroy(), ms);
  socket.once('close', () => clearTimeout(timer));
}

/** True once lingerClose ended the connection: a drain does not wait for it (its deadline ends it). */
export const isLingering = (socket: Conn): boolean => lingering.has(socket);
