// JSON-lines logger: one object per line on stdout, with time, level, sidecar and message.
export type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export function createLogger(sidecar: string, min: Level = 'info', write: (line: string) => void = (l) => process.stdout.write(l)): Logger {
  const emit =
    (level: Level) =>
    (msg: string, fields: Record<string, unknown> = {}) => {
      if (ORDER[level] < ORDER[min]) return;
      const err = fields.err instanceof Error ? { err: fields.err.message } : {};
      write(`${JSON.stringify({ ts: new Date().toISOString(), level, sidecar, msg, ...fields, ...err })}\n`);
    };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}
