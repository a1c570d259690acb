// RELP framing as rsyslog's librelp speaks it: TXNR SP COMMAND SP DATALEN [SP DATA] LF, where DATALEN 0
// means no SP and no data. Here: the protocol's error type, the Frame a parser yields, the grammar's
// limits and txnr arithmetic, and the encoders (one frame; a whole batch of syslog frames in one buffer).
// Reading server frames: relp-parser.ts; reading what an rsp says: relp-rsp.ts.

export class RelpError extends Error {
  override name = 'RelpError';
  /** The rsp code when the server refused a command (e.g. 500). */
  readonly code: number | undefined;
  /** How many messages at the start of the failed batch the server acknowledged (resend from there). */
  readonly delivered: number;
  constructor(message: string, details: { code?: number; delivered?: number } = {}) {
    super(message);
    this.code = details.code;
    this.delivered = details.delivered ?? 0;
  }
}

export interface Frame {
  txnr: number;
  command: string;
  /** May be a view into the chunk it arrived in. */
  data: Buffer;
}

export const MAX_TXNR = 999_999_999;
export const MAX_DATALEN = 999_999_999;
/** librelp's default (and rsyslog's imrelp maxDataSize): larger frames abort the session. */
export const DEFAULT_MAX_DATA = 128 * 1024;
export const SP = 0x20;
export const LF = 0x0a;

/** The txnr after t: 999999999 is followed by 1 (0 is for server hints). */
export const nextTxnr = (t: number): number => (t >= MAX_TXNR ? 1 : t + 1);
/** The txnr k commands after t. */
export const addTxnr = (t: number, k: number): number => ((t - 1 + k) % MAX_TXNR) + 1;

const digits = (n: number): number => {
  let d = 1;
  for (let p = 10; n >= p && d < 10; p *= 10) d++;
  return d;
};
function putUint(buf: Buffer, pos: number, n: number, d: number): number {
  for (let i = pos + d - 1; i >= pos; i--) {
    buf[i] = 48 + (n % 10);
    n = Math.floor(n / 10);
  }
  return pos + d;
}

export function encodeFrame(txnr: number, command: string, data?: Uint8Array): Buffer {
  if (!Number.isInteger(txnr) || txnr < 0 || txnr > MAX_TXNR) throw new RelpError(`RELP txnr ${txnr} is not in 0..${MAX_TXNR}`);
  if (!/^[A-Za-z]{1,32}$/.test(command)) throw new RelpError(`RELP command ${JSON.stringify(command)} is not 1 to 32 letters`);
  const len = data?.length ?? 0;
  if (len > MAX_DATALEN) throw new RelpError(`RELP frame data of ${len} bytes is over the ${MAX_DATALEN} a DATALEN can say`);
  const head = len ? `${txnr} ${command} ${len} ` : `${txnr} ${command} 0`;
  const out = Buffer.allocUnsafe(head.length + len + 1);
  out.write(head, 0, 'latin1');
  if (data && len) out.set(data, head.length);
  out[out.length - 1] = LF;
  return out;
}

const SYSLOG = Buffer.from(' syslog ', 'latin1');

/** The bytes of the syslog frames of messages[from, to), numbered from firstTxnr. */
export function syslogFramesSize(messages: readonly Uint8Array[], from: number, to: number, firstTxnr: number): number {
  let size = 0;
  let t = firstTxnr;
  for (let i = from; i < to; i++, t = nextTxnr(t)) {
    const len = messages[i]!.length;
    size += digits(t) + SYSLOG.length + digits(len) + (len ? 1 + len : 0) + 1;
  }
  return size;
}

/** Writes the syslog frames of messages[from, to), numbered from firstTxnr, at the start of out (which
 * must hold syslogFramesSize of them); returns their length. Lengths are the caller's to check. */
export function writeSyslogFrames(out: Buffer, messages: readonly Uint8Array[], from: number, to: number, firstTxnr: number): number {
  let pos = 0;
  let t = firstTxnr;
  for (let i = from; i < to; i++, t = nextTxnr(t)) {
    const m = messages[i]!;
    pos = putUint(out, pos, t, digits(t));
    out.set(SYSLOG, pos);
    pos = putUint(out, pos + SYSLOG.length, m.length, digits(m.length));
    if (m.length) {
      out[pos++] = SP;
      out.set(m, pos);
      pos += m.length;
    }
    out[pos++] = LF;
  }
  return pos;
}

/** The syslog frames of messages[from, to), numbered from firstTxnr, in one buffer. Lengths are the caller's to check. */
export function encodeSyslogFrames(messages: readonly Uint8Array[], from: number, to: number, firstTxnr: number): Buffer {
  const out = Buffer.allocUnsafe(syslogFramesSize(messages, from, to, firstTxnr));
  writeSyslogFrames(out, messages, from, to, firstTxnr);
  return out;
}
