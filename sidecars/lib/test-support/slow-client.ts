// Clients that hold a listener the slow way: one that trickles bytes on a deadline's edge, and one that
// writes its whole request before it reads a byte of the answer. Any socket will do (TCP, TLS, mTLS).
import type { Socket } from 'node:net';

export interface Trickled {
  /** What the server sent back, as latin1. */
  text: string;
  /** The status of its first answer, if any. */
  status: number | undefined;
  /** When the server closed the connection, in ms from the first write. */
  closedMs: number;
  /** How many pieces were written after the first bytes. */
  pieces: number;
}

const statusOf = (text: string) => {
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
  return m ? Number(m[1]) : undefined;
};

/**
 * Writes `first` on a connected socket, then `piece` every everyMs for as long as the connection is
 * open; resolves when the server closes it, and rejects if it is still open after limitMs.
 */
export function trickle(socket: Socket, o: { first: string; piece: string; everyMs: number; limitMs: number }): Promise<Trickled> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    let text = '',
      pieces = 0;
    const every = setInterval(() => {
      if (!socket.writable) return;
      socket.write(o.piece, 'latin1');
      pieces++;
    }, o.everyMs);
    const limit = setTimeout(() => {
      clearInterval(every);
      socket.destroy();
      reject(new Error(`still open after ${o.limitMs} ms and ${pieces} pieces: nothing ends a trickling client`));
    }, o.limitMs);
    socket.setEncoding('latin1');
    socket.on('data', (c: string) => (text += c));
    socket.on('error', () => {
      /* a reset ends it as well as a close */
    });
    socket.on('close', () => {
      clearInterval(every);
      clearTimeout(limit);
      resolve({ text, status: statusOf(text), closedMs: Date.now() - t0, pieces });
    });
    socket.write(o.first, 'latin1');
  });
}

/** True once text holds a whole response with a Content-Length. */
function complete(text: string): boolean {
  const head = text.indexOf('\r\n\r\n');
  const length = /\r\ncontent-length: *(\d+)/i.exec(text.slice(0, head))?.[1];
  return head >= 0 && length !== undefined && text.length >= head + 4 + Number(length);
}

/**
 * Writes all of `bytes` in one write on a connected socket and reads nothing until that write is
 * done; then reads one whole response, or to the close. The answer must survive: a server that closes with the client's
 * bytes unread resets the connection, and the client loses the answer it had not read yet.
 */
export function sendAllThenRead(socket: Socket, bytes: Buffer, limit = 10_000): Promise<{ status: number | undefined; error?: string }> {
  return new Promise((resolve) => {
    let text = '',
      error: string | undefined;
    const timer = setTimeout(() => socket.destroy(), limit);
    socket.pause();
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ status: statusOf(text), error });
    };
    socket.on('data', (c: Buffer) => {
      text += c.toString('latin1');
      if (complete(text)) done();
    });
    socket.on('error', (e: NodeJS.ErrnoException) => (error ??= e.code ?? e.message));
    socket.on('close', done);
    socket.write(bytes, () => socket.resume());
  });
}
