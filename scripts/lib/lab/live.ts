// GET /api/events: the hub's messages to one viewer as newline-delimited JSON, read by the page with
// fetch and a ReadableStream (so the token travels in a header, never in a URL). A ping line every
// pingMs keeps an idle stream visibly alive; a viewer that reads too slowly is cut off, not buffered for.
// GET /api/logs: one container's log lines the same way.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { Hub, Message } from './hub.js';
import { type LogLine, logLines } from './logs.js';

/** Bytes a viewer may leave unread before it is cut off. */
const MAX_UNREAD = 1024 * 1024;

export interface LiveOptions {
  pingMs: number;
  headers: Record<string, string>;
  /** Extra fields of the first line (the lab's version). */
  hello: Record<string, unknown>;
}

export function serveLive(hub: Hub, req: IncomingMessage, res: ServerResponse, o: LiveOptions): void {
  res.writeHead(200, { ...o.headers, 'content-type': 'application/x-ndjson; charset=utf-8', 'x-accel-buffering': 'no' });
  res.flushHeaders();
  const send = (m: Message | Record<string, unknown>) => {
    if (res.writableLength > MAX_UNREAD) {
      res.destroy();
      return;
    }
    res.write(`${JSON.stringify(m)}\n`);
  };
  send({ type: 'hello', ...o.hello });
  const off = hub.subscribe(send);
  const ping = setInterval(() => send({ type: 'ping', time: Date.now() }), o.pingMs);
  ping.unref();
  const done = () => {
    off();
    clearInterval(ping);
  };
  req.once('close', done);
  res.once('close', done);
}

/** GET /api/logs: one container's log as NDJSON lines ({"type":"log",…}), then {"type":"end"} when it ends. */
export function serveLogs(
  source: Readable,
  tty: boolean,
  req: IncomingMessage,
  res: ServerResponse,
  headers: Record<string, string>,
): void {
  res.writeHead(200, { ...headers, 'content-type': 'application/x-ndjson; charset=utf-8', 'x-accel-buffering': 'no' });
  res.write(`${JSON.stringify({ type: 'hello' })}\n`);
  const lines = source.pipe(logLines(tty));
  const stop = () => source.destroy();
  lines.on('data', (l: LogLine) => {
    if (res.writableLength > MAX_UNREAD) {
      stop();
      res.destroy();
      return;
    }
    res.write(`${JSON.stringify({ type: 'log', ...l })}\n`);
  });
  lines.once('end', () => res.end(`${JSON.stringify({ type: 'end' })}\n`));
  source.once('error', () => res.end(`${JSON.stringify({ type: 'end', reason: 'the engine stopped sending' })}\n`));
  req.once('close', stop);
  res.once('close', stop);
}
