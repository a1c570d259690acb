// Reading someone else's tree without trusting it: only regular files are opened (a FIFO or a device is
// never opened, so nothing blocks), symlinks are followed only to a regular file inside the paths given,
// size is capped, and the text must be UTF-8. Every refusal is one line for `skipped`.
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, realpathSync, type Stats } from 'node:fs';
import { relative, isAbsolute } from 'node:path';

export const MAX_BYTES = 1 << 20;

/** A file identify will not read, with the one-line reason. */
export class Unreadable extends Error {}

const kindOf = (s: Stats) =>
  s.isFIFO()
    ? 'a FIFO'
    : s.isSocket()
      ? 'a socket'
      : s.isCharacterDevice() || s.isBlockDevice()
        ? 'a device'
        : s.isDirectory()
          ? 'a directory'
          : 'not a regular file';

export const inside = (root: string, path: string) => {
  const r = relative(root, path);
  return r === '' || (!r.startsWith('..') && !isAbsolute(r));
};

/** The real path of `path` when it may be read: a regular file, reached through no symlink that leaves `roots`. */
export function checkReadable(path: string, roots: string[]): string {
  let st: Stats;
  try {
    st = lstatSync(path);
  } catch (e) {
    throw new Unreadable(`cannot stat: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  let real = path;
  if (st.isSymbolicLink()) {
    try {
      real = realpathSync(path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new Unreadable(code === 'ELOOP' ? 'symlink loop: not followed' : `dangling symlink: not followed`);
    }
    if (!roots.some((r) => inside(r, real))) throw new Unreadable('symlink out of the given paths: not followed');
    st = lstatSync(real);
  }
  if (!st.isFile()) throw new Unreadable(`${kindOf(st)}: not read`);
  if (st.size > MAX_BYTES) throw new Unreadable(`larger than ${MAX_BYTES} bytes: not read`);
  return real;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** The text of a file that checkReadable accepted; opened non-blocking and checked again after opening. */
export function readText(path: string, roots: string[]): string {
  const real = checkReadable(path, roots);
  const flags = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOFOLLOW ?? 0);
  let fd: number;
  try {
    fd = openSync(real, flags);
  } catch (e) {
    throw new Unreadable(`cannot open: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new Unreadable(`${kindOf(st)}: not read`);
    if (st.size > MAX_BYTES) throw new Unreadable(`larger than ${MAX_BYTES} bytes: not read`);
    const buf = Buffer.alloc(Math.min(st.size + 1, MAX_BYTES + 1));
    let n = 0;
    for (let got = 1; got > 0 && n < buf.length; n += got) got = readSync(fd, buf, n, buf.length - n, null);
    if (n > MAX_BYTES) throw new Unreadable(`larger than ${MAX_BYTES} bytes: not read`);
    let text: string;
    try {
      text = decoder.decode(buf.subarray(0, n));
    } catch {
      throw new Unreadable('not valid UTF-8');
    }
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } finally {
    closeSync(fd);
  }
}
