// What the receiver gets for each record: an RFC 5424 syslog message whose MSG is one JSON object with the
// record's id, its labels, its text and (for a one-line JSON object) its fields:
//   <14>1 2026-11-22T15:00:00.000Z pod log-shipper - - - {"id":"<fp>:<offset>","pod":..,"container":..,
//   "file":..,"message":"...","fields":{...}}
// The id is the file's fingerprint and the record's offset in it: the same record read again (after a
// crash, a retry or a copytruncate) has the same id, so the receiver can drop what it already stored.
// JSON.stringify escapes every control character, so a multi-line record is one line on the wire.
import type { Shipped } from './tracked.js';

export interface Labels {
  pod: string;
  container: string;
}

/** The syslog header's HOSTNAME: printable ASCII without spaces, at most 255 characters, or "-". */
const hostField = (s: string) => s.replace(/[^\x21-\x7e]/g, '').slice(0, 255) || '-';

/** The fields of a one-line record that is a JSON object, re-serialised; undefined otherwise. */
export function jsonFields(text: string): string | undefined {
  if (text.charCodeAt(0) !== 0x7b || text.includes('\n')) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? JSON.stringify(v) : undefined;
  } catch {
    return undefined;
  }
}

/** A record's id names its exact bytes: the file's fingerprint, and where the record starts and ends. The
 * end is part of it because a multi-line record can be cut (by --multiline-timeout or a drain) and, if
 * that cut was never acknowledged, be read again later as a longer record from the same start: under
 * the same id, a receiver that keeps ids unique would keep the shorter text and drop the added lines. */
export const recordId = (r: Pick<Shipped, 'fp' | 'start' | 'end'>) => `${r.fp}:${r.start}-${r.end}`;

/** The longest message sent. rsyslog refuses a larger one (imrelp's maxDataSize and maxMessageSize, 64k
 * in stacks/logs) by ending the session, which would fail the batch for ever: a record whose message
 * would be longer goes without its fields, then with its text cut, and says so ("truncated": true). */
export const MAX_MESSAGE_BYTES = 60_000;

export class Formatter {
  private readonly head: string;
  private readonly labels: string;

  constructor(
    labels: Labels,
    private readonly parseJson: boolean,
  ) {
    this.head = ` ${hostField(labels.pod)} log-shipper - - - `;
    this.labels = `,"pod":${JSON.stringify(labels.pod)},"container":${JSON.stringify(labels.container)},"file":`;
  }

  /** The syslog message of one record; time is the batch's timestamp (RFC 3339). */
  message(r: Shipped, time: string): Buffer {
    const fields = this.parseJson ? jsonFields(r.text) : undefined;
    const msg = this.build(r, time, JSON.stringify(r.text), fields);
    if (msg.length <= MAX_MESSAGE_BYTES) return msg;
    const bare = this.build(r, time, JSON.stringify(r.text), undefined);
    if (bare.length <= MAX_MESSAGE_BYTES) return bare;
    // Escapes can make the JSON text up to 6 times longer than the record: cut until it fits.
    let keep = r.text.length;
    for (;;) {
      keep = Math.floor((keep * MAX_MESSAGE_BYTES) / bare.length / 1.05);
      const cut = this.build(r, time, JSON.stringify(r.text.slice(0, keep)), undefined, true);
      if (cut.length <= MAX_MESSAGE_BYTES) return cut;
    }
  }

  private build(r: Shipped, time: string, text: string, fields: string | undefined, truncated = false): Buffer {
    const json = `{"id":"${recordId(r)}"${this.labels}${JSON.stringify(r.from.name)},"message":${text}${fields ? `,"fields":${fields}` : ''}${truncated ? ',"truncated":true' : ''}}`;
    return Buffer.from(`<14>1 ${time}${this.head}${json}`);
  }
}
