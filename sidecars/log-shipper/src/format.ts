// What the receiver gets for each record: an RFC 5424 syslog message whose MSG is one JSON object with the
// record's id, its labels, its text and (for a one-line JSON object) its fields:
//   <14>1 2026-11-22T15:00:00.000Z pod log-shipper - - - {"id":"<fp>:<offset>","pod":..,"container":..,
//   "file":..,"message":"...","fields":{...}}
// The id is the file's fingerprint and the record's offset in it: the same record read again (after a
// crash, a retry or a copytruncate) has the same id, so the receiver can drop what it already stored.
// JSON.stringify escapes every control character, so a multi-line record is one line on the wire.
import type { MessageBuffer } from './batch-buffer.js';
import { Slice } from './framer.js';
import { jsonString, jsonStringRoom } from './json-bytes.js';
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

/** Writes n in decimal at pos; returns the position after it. */
function putInt(buf: Buffer, pos: number, n: number): number {
  let end = pos + 1;
  for (let p = 10; p <= n; p *= 10) end++;
  for (let i = end - 1; i >= pos; i--, n = Math.floor(n / 10)) buf[i] = 48 + (n % 10);
  return end;
}

export class Formatter {
  private readonly head: string;
  private readonly labels: string;
  /** The parts of a message written from bytes, encoded once: the syslog header up to its time, what
   * follows the time up to the id, and what follows the id up to the file's name. */
  private readonly pri = Buffer.from('<14>1 ');
  private readonly afterTime: Buffer;
  private readonly afterId: Buffer;
  private static readonly MESSAGE = Buffer.from(',"message":');
  /** The last time and file name written, encoded (a batch shares its time, and mostly its file). */
  private time = { text: '', bytes: Buffer.alloc(0) };
  private file = { name: '', json: Buffer.alloc(0) };

  constructor(
    labels: Labels,
    private readonly parseJson: boolean,
  ) {
    this.head = ` ${hostField(labels.pod)} log-shipper - - - `;
    this.labels = `,"pod":${JSON.stringify(labels.pod)},"container":${JSON.stringify(labels.container)},"file":`;
    this.afterTime = Buffer.from(`${this.head}{"id":"`);
    this.afterId = Buffer.from(`"${this.labels}`);
  }

  /** Writes the message of one record at the end of out, the same bytes as message(). A record read from
   * bytes (a Slice) is written from them, with no string of its text unless --parse-json looks at it;
   * any other record, one whose bytes are not UTF-8, and one too long for a message go through message(). */
  write(r: Shipped, time: string, out: MessageBuffer): void {
    const at = out.pos;
    const slice = r instanceof Slice ? r : undefined;
    if (!slice || !this.writeSlice(slice, time, out) || out.pos - at > MAX_MESSAGE_BYTES) {
      out.pos = at;
      out.put(this.message(r, time));
    }
    out.end();
    slice?.release();
  }

  private writeSlice(r: Slice & Shipped, time: string, out: MessageBuffer): boolean {
    if (time !== this.time.text) this.time = { text: time, bytes: Buffer.from(time, 'latin1') };
    if (r.from.name !== this.file.name) this.file = { name: r.from.name, json: Buffer.from(JSON.stringify(r.from.name)) };
    const fields = this.parseJson && r.chunk[r.at] === 0x7b ? jsonFields(r.text) : undefined;
    // The id's fingerprint is hex, and each offset at most 16 digits.
    const fixed = this.pri.length + this.time.bytes.length + this.afterTime.length + r.fp.length + 34 + this.afterId.length;
    const room = fixed + this.file.json.length + Formatter.MESSAGE.length + jsonStringRoom(r.to - r.at) + 1;
    const buf = out.room(room + (fields ? 10 + 3 * fields.length : 0));
    let p = out.pos;
    p += this.pri.copy(buf, p);
    p += this.time.bytes.copy(buf, p);
    p += this.afterTime.copy(buf, p);
    p += buf.write(r.fp, p, 'latin1');
    buf[p++] = 0x3a; // :
    p = putInt(buf, p, r.start);
    buf[p++] = 0x2d; // -
    p = putInt(buf, p, r.end);
    p += this.afterId.copy(buf, p);
    p += this.file.json.copy(buf, p);
    p += Formatter.MESSAGE.copy(buf, p);
    p = jsonString(r.chunk, r.at, r.to, buf, p);
    if (p < 0) return false;
    if (fields) {
      p += buf.write(',"fields":', p, 'latin1');
      p += buf.write(fields, p, 'utf8');
    }
    buf[p++] = 0x7d; // }
    out.pos = p;
    return true;
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
