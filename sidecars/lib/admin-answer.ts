// The admin server's answers on the wire, and what a request head says about the connection: whether it may
// carry a body, whether it asks to close, and whether its Host is one host[:port] (RFC 9112 §3.2). Every
// answer is framed by Content-Length; HEAD gets no body.
import statuses from 'statuses';
import type { Logger } from './log.js';
import { escapeControls } from './parse.js';
import { HttpError, hostFault, NO_HOST, parseTarget, type Target } from './target.js';

/** An answer: status, its content type and body, and headers of its own. */
export interface Answer {
  status: number;
  type: string;
  body: string;
  headers?: Record<string, string>;
}

export type AdminHandler = (method: string, target: Target) => Answer | Promise<Answer>;

/** A text answer; a type given replaces UTF-8 plain text. */
export const plain = (status: number, body: string, type = 'text/plain; charset=utf-8'): Answer => ({ status, type, body });

/**
 * The handler's answer. A refusal (HttpError) gets its status; an asynchronous answer not given within
 * answerTimeoutMs a 503, and late(pathname) is called; any other failure a 500. Failures are logged, also a
 * rejection that comes after the deadline.
 */
export async function answerOf(
  o: { handler: AdminHandler; log: Logger; answerTimeoutMs: number; late?: (pathname: string) => void },
  method: string,
  raw: string,
): Promise<Answer> {
  const path = () => escapeControls(raw.slice(0, 200));
  const failed = (msg: string, e: unknown) =>
    o.log.error(msg, { err: e instanceof Error ? e : new Error(String(e)), method, path: path() });
  let timer: NodeJS.Timeout | undefined;
  try {
    const target = parseTarget(method, raw);
    const a = o.handler(method, target);
    if (typeof (a as Partial<PromiseLike<Answer>>).then !== 'function') return a as Answer;
    const answer = Promise.resolve(a);
    const ms = o.answerTimeoutMs;
    const deadline = new Promise<Answer>((resolve) => {
      timer = setTimeout(() => {
        o.log.error('handler timed out', { ms, method, path: path() });
        answer.catch((e) => failed('handler failed after its deadline', e));
        o.late?.(target.url.pathname);
        resolve(plain(503, `service unavailable: no answer within ${ms} ms\n`));
      }, ms);
    });
    return await Promise.race([answer, deadline]);
  } catch (e) {
    if (e instanceof HttpError) return refusal(e);
    failed('handler failed', e);
    return plain(500, 'internal error\n');
  } finally {
    clearTimeout(timer);
  }
}

export function head(a: Answer, method: string, close: boolean): string {
  let h = `HTTP/1.1 ${a.status} ${statuses.message[a.status] ?? ''}\r\ncontent-type: ${a.type}\r\ncontent-length: ${Buffer.byteLength(a.body)}\r\n`;
  for (const [k, v] of Object.entries(a.headers ?? {})) if (k.toLowerCase() !== 'connection') h += `${k}: ${v}\r\n`;
  h += close ? 'connection: close\r\n\r\n' : 'connection: keep-alive\r\n\r\n';
  return method === 'HEAD' ? h : h + a.body;
}

export const refusal = (e: HttpError): Answer => ({ ...plain(e.status, `${e.message}\n`), headers: e.headers });

/** Whether a request may have a body: any Transfer-Encoding, or Content-Length other than one field of 0. */
export function mayHaveBody(raw: string[]): boolean {
  let lengths = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (name === 'transfer-encoding') return true;
    if (name === 'content-length' && (++lengths > 1 || raw[i + 1] !== '0')) return true;
  }
  return false;
}

/** Whether a Connection field lists close. */
export const saysClose = (raw: string[]): boolean =>
  raw.some((v, i) => i % 2 === 1 && raw[i - 1]!.toLowerCase() === 'connection' && /(?:^|,)\s*close\s*(?:,|$)/i.test(v));

/** RFC 9112 §3.2: a 400 for more than one Host, a Host that is not host[:port], or an HTTP/1.1 request with none. */
export function hostRefusal(raw: string[], minor: number): HttpError | undefined {
  let seen = false;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.toLowerCase() !== 'host') continue;
    const fault = hostFault(raw[i + 1]!, seen);
    if (fault) return new HttpError(400, fault);
    seen = true;
  }
  return !seen && minor === 1 ? new HttpError(400, NO_HOST) : undefined;
}
