// A JSON string written straight from UTF-8 bytes, with no JavaScript string in between: the same bytes
// as Buffer.from(JSON.stringify(bytes.toString('utf8'))). JSON.stringify escapes only '"', '\' and the
// control characters below 0x20 (a string decoded from UTF-8 has no lone surrogate to escape); every
// other byte of valid UTF-8 is copied. Bytes that are not valid UTF-8 would decode to U+FFFD, so for
// them the writer says no and the caller takes the string path.
import { isUtf8 } from 'node:buffer';

/** The escape of each byte below 0x20, '"' and '\', as JSON.stringify writes it. */
const ESCAPES: Buffer[] = Array.from({ length: 0x80 }, (_, c) =>
  Buffer.from(JSON.stringify(String.fromCharCode(c)).slice(1, -1), 'latin1'),
);
/** What each byte is: 0 copied, 1 escaped, 2 copied but part of a character beyond ASCII. */
const KIND = Uint8Array.from({ length: 256 }, (_, c) => (c >= 0x80 ? 2 : c < 0x20 || c === 0x22 || c === 0x5c ? 1 : 0));

/** The most bytes jsonString writes for n bytes of text: the quotes, and each byte at worst as \u00XX. */
export const jsonStringRoom = (n: number): number => 2 + 6 * n;

/**
 * Writes src[from, to) as a JSON string (with its quotes) into out at pos, which must have
 * jsonStringRoom(to - from) bytes of room; returns the position after it, or -1 when the bytes are not
 * valid UTF-8 (out past pos is then undefined). One pass, byte by byte: for lines of a few hundred bytes
 * that costs less than finding runs and copying them natively.
 */
export function jsonString(src: Buffer, from: number, to: number, out: Buffer, pos: number): number {
  let o = pos;
  out[o++] = 0x22;
  let high = 0;
  for (let i = from; i < to; i++) {
    const c = src[i]!;
    const kind = KIND[c]!;
    if (kind !== 1) {
      out[o++] = c;
      high |= kind;
      continue;
    }
    const esc = ESCAPES[c]!;
    for (let k = 0; k < esc.length; k++) out[o++] = esc[k]!;
  }
  if (high && !isUtf8(src.subarray(from, to))) return -1;
  out[o++] = 0x22;
  return o;
}
