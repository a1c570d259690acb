// The listening TCP sockets of a network namespace, as /proc/<pid>/net/tcp and tcp6 show them (proc(5)):
// each line's local address (hex, in the kernel's byte order), its state (0A: LISTEN) and the socket's
// inode, which /proc/<pid>/fd/* links name as socket:[inode]. Any text parses: a line that is not a
// socket line is left out, never thrown on.
import { join } from 'node:path';
import { readText } from '../../../sidecars/lib/proc.js';

export interface Listener {
  /** 127.0.0.1, 0.0.0.0, ::, ::1, ::ffff:127.0.0.1, or another address in full. */
  address: string;
  port: number;
  inode: string;
}

const LINE = /^\s*\d+:\s+([0-9A-Fa-f]{8}|[0-9A-Fa-f]{32}):([0-9A-Fa-f]{4})\s+[0-9A-Fa-f]+:[0-9A-Fa-f]+\s+0A\s(?:\S+\s+){5}(\d+)\s/;

/** One 32-bit word as the kernel prints it (host byte order, little-endian here) → its four bytes in network order. */
const word = (hex: string) => [6, 4, 2, 0].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));

function address(hex: string): string {
  if (hex.length === 8) return word(hex).join('.');
  const bytes = [0, 8, 16, 24].flatMap((i) => word(hex.slice(i, i + 8)));
  if (bytes.every((b) => b === 0)) return '::';
  if (bytes.slice(0, 15).every((b) => b === 0) && bytes[15] === 1) return '::1';
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) return `::ffff:${bytes.slice(12).join('.')}`;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return groups.join(':');
}

/** The listening sockets in the text of a net/tcp or net/tcp6 file. */
export function parseListeners(text: string): Listener[] {
  const out: Listener[] = [];
  for (const line of text.split('\n')) {
    const m = LINE.exec(line);
    if (m) out.push({ address: address(m[1]!), port: Number.parseInt(m[2]!, 16), inode: m[3]! });
  }
  return out;
}

/** Reachable over the pod's loopback: bound to a loopback address or to every address. */
export const onLoopback = (l: Listener) => /^(127\.|::1$|::ffff:127\.|0\.0\.0\.0$|::$)/.test(l.address);
/** Reachable from outside the pod (a published port): bound to anything but loopback. */
export const offLoopback = (l: Listener) => !/^(127\.|::1$|::ffff:127\.)/.test(l.address);

/** The listening sockets of the network namespace `pid` is in (IPv4 and IPv6), or why they cannot be read. */
export function readListeners(procRoot: string, pid: number): Listener[] | { error: string } {
  try {
    return ['tcp', 'tcp6'].flatMap((f) => {
      try {
        return parseListeners(readText(join(procRoot, String(pid), 'net', f)));
      } catch (e) {
        if (f === 'tcp6' && (e as NodeJS.ErrnoException).code === 'ENOENT') return []; // IPv6 disabled
        throw e;
      }
    });
  } catch (e) {
    return { error: `${join('/proc', String(pid), 'net')}: ${(e as NodeJS.ErrnoException).code ?? String(e)}` };
  }
}
