// A container's log stream as lines: the engine multiplexes stdout and stderr into frames (an 8-byte header:
// the stream, three zero bytes, the length big-endian) unless the container has a TTY. Each line carries the
// engine's timestamp; a line that is a JSON object (our sidecars' logs) also gives its fields and level.
import { Transform, type TransformCallback } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

export interface LogLine {
  /** ms since the epoch, from the engine's timestamp (0 when the line had none). */
  time: number;
  stream: 'stdout' | 'stderr';
  text: string;
  /** error, warn, info or debug: the JSON line's level, or a leading level word; absent when neither. */
  level?: string;
  /** The JSON object of a JSON line. */
  fields?: Record<string, unknown>;
}

/** A line longer than this is cut there (the rest is dropped): no container makes the lab buffer without end. */
export const MAX_LINE = 16 * 1024;
const HEADER = 8;
const LEVELS: Record<string, string> = {
  error: 'error',
  err: 'error',
  fatal: 'error',
  warn: 'warn',
  warning: 'warn',
  info: 'info',
  debug: 'debug',
  trace: 'debug',
};

/** A log line's text: its timestamp, its fields and its level. */
export function parseLine(raw: string, stream: 'stdout' | 'stderr'): LogLine {
  const m = /^(\d{4}-\d\d-\d\dT[\d:.]+Z) (.*)$/s.exec(raw);
  const text = (m ? m[2]! : raw).replace(/\r$/, '');
  const time = m ? Date.parse(m[1]!) || 0 : 0;
  const line: LogLine = { time, stream, text };
  if (text.startsWith('{')) {
    try {
      const v = JSON.parse(text) as unknown;
      if (typeof v === 'object' && v !== null && !Array.isArray(v)) line.fields = v as Record<string, unknown>;
    } catch {
      // not JSON after all: plain text
    }
  }
  const word = String(line.fields?.level ?? line.fields?.severity ?? /^\[?([A-Za-z]+)\]?[\s:]/.exec(text)?.[1] ?? '').toLowerCase();
  if (LEVELS[word]) line.level = LEVELS[word];
  return line;
}

/** Bytes of the engine's log stream in, LogLines out (object mode). `tty`: the stream is raw, not framed. */
export function logLines(tty: boolean): Transform {
  let pending: Buffer = Buffer.alloc(0);
  const decoder = new StringDecoder('utf8'); // a TTY's chunks may cut a character in two
  const partial: Record<'stdout' | 'stderr', string> = { stdout: '', stderr: '' };
  const emit = (t: Transform, stream: 'stdout' | 'stderr', text: string, flush = false) => {
    const parts = (partial[stream] + text).split('\n');
    partial[stream] = flush ? '' : parts.pop()!;
    if (partial[stream].length > MAX_LINE) {
      parts.push(partial[stream]);
      partial[stream] = '';
    }
    for (const p of parts) if (p !== '' || !flush) t.push(parseLine(p.slice(0, MAX_LINE), stream));
  };
  return new Transform({
    readableObjectMode: true,
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      if (tty) {
        emit(this, 'stdout', decoder.write(chunk));
        return done();
      }
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      while (pending.length >= HEADER) {
        const size = pending.readUInt32BE(4);
        const kind = pending[0] === 2 ? 'stderr' : 'stdout';
        if (pending.length < HEADER + size) {
          // A frame too long to keep is cut: what is here goes out as text, the rest as it comes.
          if (size <= MAX_LINE) break;
          const have = pending.subarray(HEADER);
          emit(this, kind, have.toString('utf8'));
          pending = Buffer.concat([pending.subarray(0, HEADER), Buffer.alloc(0)]);
          pending.writeUInt32BE(size - have.length, 4);
          break;
        }
        emit(this, kind, pending.subarray(HEADER, HEADER + size).toString('utf8'));
        pending = pending.subarray(HEADER + size);
      }
      done();
    },
    flush(done: TransformCallback) {
      for (const s of ['stdout', 'stderr'] as const) if (partial[s]) emit(this, s, '', true);
      done();
    },
  });
}
