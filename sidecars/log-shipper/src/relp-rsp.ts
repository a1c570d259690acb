// Reading what an rsp frame's data says: "CODE SP TEXT [LF DATA]" (isOk is the fast path for the
// "200 " of an ack), the offers ("name=value,value" lines) that follow the text of an open answer, and
// whether that answer lets the session go on.
import { LF, RelpError, SP } from './relp-frame.js';

const EMPTY = Buffer.alloc(0);

/** Whether rsp data says "200 " (the fast path for acks). */
export const isOk = (d: Buffer): boolean => d.length >= 4 && d[0] === 50 && d[1] === 48 && d[2] === 48 && d[3] === SP;

export interface Rsp {
  code: number;
  /** The human-readable text, up to the first LF. */
  text: string;
  /** What follows that LF (the offers of an open answer). */
  rest: Buffer;
}

/** Reads rsp data: exactly 3 digits, SP, text, then optional LF and command data (as librelp requires). */
export function parseRsp(d: Buffer): Rsp {
  const ok = d.length >= 4 && d[3] === SP && [0, 1, 2].every((k) => d[k]! >= 48 && d[k]! <= 57);
  if (!ok) throw new RelpError(`malformed RELP rsp from the server: ${JSON.stringify(d.subarray(0, 40).toString('latin1'))}`);
  const lf = d.indexOf(LF);
  const end = lf < 0 ? d.length : lf;
  return {
    code: Number(d.toString('latin1', 0, 3)),
    text: d.toString('utf8', 4, Math.min(end, 204)),
    rest: lf < 0 ? EMPTY : d.subarray(lf + 1),
  };
}

/** The offers of an open answer ("name=value,value" lines) as name -> values. */
export function parseOffers(rest: Buffer): Map<string, string[]> {
  const offers = new Map<string, string[]>();
  for (const line of rest.toString('latin1').split('\n')) {
    if (!line) continue;
    const eq = line.indexOf('=');
    const name = eq < 0 ? line : line.slice(0, eq);
    offers.set(
      name,
      eq < 0
        ? []
        : line
            .slice(eq + 1)
            .split(',')
            .filter(Boolean),
    );
  }
  return offers;
}

/** Throws the RelpError for an open answer that is not 200 or does not offer the syslog command. */
export function checkOpenAnswer(where: string, d: Buffer): void {
  const rsp = parseRsp(d);
  if (rsp.code !== 200) throw new RelpError(`RELP server ${where} refused open: ${rsp.code} ${rsp.text}`, { code: rsp.code });
  const offers = parseOffers(rsp.rest);
  if (!offers.has('relp_version') || !offers.get('commands')?.includes('syslog'))
    throw new RelpError(`RELP server ${where} does not offer the syslog command: ${JSON.stringify(rsp.rest.toString('latin1'))}`);
}
