// A JSON string written straight from UTF-8 bytes, with no JavaScript string in between: the same bytes
// as Buffer.from(JSON.stringify(bytes.toString('utf8'))). JSON.stringify escapes only '"', '\' and the
// control characters below 0x20 (a string decoded from UTF-8 has no lone surrogate to escape); every
// other byte of valid UTF-8 is copied. Bytes that are not valid UTF-8 would decode to U+FFFD, so for
// them the writer says no and the caller takes the string path.
import { isUtf8 } from 'node:buffer';

/** The escape of each byte below 0x20, '"' and '\', as JSON.stringify writes it; 0: copied as it is. */
const ESCAPES: (Buffer | undefined)[] = Array.from({ length: 0x80 }, (_, c) =>
  c < 0x20 || c === 0x22 || c === 0x5c ? Buffer.from(JSON.stringify(String.fromCharCode(c)).slice(1, -1), 'latin1') : undefined,
);

/** The most bytes jsonString writes for n bytes of text: the quotes, and each byte at worst as \u00XX. */
export const jsonStringRoom = (n: number): number => 2 + 6 * n;

/**
 * Writes src[from, to) as a JSON string (with its quotes) into out at pos, which must have
 * jsonStringRoom(to - from) bytes of room; returns the position after it, or -1 when the bytes are not
 * valid UTF-8 (out past pos is then undefined).
 */
export function jsonString(src: Buffer, from: number, to: number, out: Buffer, pos: number): number {
  let o = pos;
  out[o++] = 0x22;
  let run = from; // first byte not yet copied
  let high = false;
  for (let i = from; i < to; i++) {
    const c = src[i]!;
    if (c >= 0x80) {
      high = true;
      continue;
    }
    const esc = ESCAPES[c];
    if (!esc) continue;
    o = copy(src, run, i, out, o);
    for (let k = 0; k < esc.length; k++) out[o++] = esc[k]!;
    run = i + 1;
  }
  o = copy(src, run, to, out, o);
  if (high && !isUtf8(src.subarray(from, to))) return -1;
  out[o++] = 0x22;
  return o;
}

/** Copies src[from, to) to out at o; returns the position after it. Short runs byte by byte (a native
 * call costs more than a few bytes do). */
function copy(src: Buffer, from: number, to: number, out: Buffer, o: number): number {
  if (to - from >= 32) return o + src.copy(out, o, from, to);
  for (let i = from; i < to; i++) out[o++] = src[i]!;
  return o;
}
