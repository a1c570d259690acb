// A file's identity. Inodes are reused and copies get new ones, so a file is known by a fingerprint of
// its content: a hash of its first line (at most FINGERPRINT_BYTES). The same fingerprint on another
// inode is the same file moved or copied (copytruncate); the same inode with another fingerprint is a
// new file (inode reuse, or a truncated file written again). The hash is Bun's native SHA-256
// (Bun.CryptoHasher): node:crypto would load its module for one digest, 2 MiB of the sidecar's memory.
import { constants } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';

export const FINGERPRINT_BYTES = 1024;

interface Hasher {
  update(data: Uint8Array): Hasher;
  digest(encoding: 'hex'): string;
}
const sha256 = (): Hasher => {
  const bun = (globalThis as { Bun?: { CryptoHasher: new (algorithm: string) => Hasher } }).Bun;
  if (!bun) throw new Error('log-shipper runs on Bun');
  return new bun.CryptoHasher('sha256');
};

/** The fingerprint of a file's first bytes, or undefined while its first line is not complete (and
 * shorter than FINGERPRINT_BYTES): such a file is not read yet. */
export function fingerprintOf(head: Uint8Array): string | undefined {
  const nl = head.indexOf(0x0a);
  if (nl < 0 && head.length < FINGERPRINT_BYTES) return undefined;
  const end = nl < 0 ? FINGERPRINT_BYTES : Math.min(nl + 1, FINGERPRINT_BYTES);
  return sha256().update(head.subarray(0, end)).digest('hex').slice(0, 16);
}

/** Reads the first bytes of an open file and fingerprints them. */
export async function fingerprintFd(fh: FileHandle): Promise<string | undefined> {
  const buf = Buffer.alloc(FINGERPRINT_BYTES);
  const { bytesRead } = await fh.read(buf, 0, FINGERPRINT_BYTES, 0);
  return fingerprintOf(buf.subarray(0, bytesRead));
}

export interface Opened {
  fh: FileHandle;
  dev: number;
  ino: number;
  size: number;
  fp: string | undefined;
}

/** How a name of the directory is opened: never through a link (O_NOFOLLOW: a name that is a link fails
 * with ELOOP, however the link was made or swapped in after the listing), and never blocking
 * (O_NONBLOCK: a FIFO opens at once, and fstat then refuses it; reads of a regular file ignore the flag). */
const FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
/** Open errors that mean "not a file to read": it vanished (rotation races are normal), it is a link,
 * or a socket (ENXIO). */
const NOT_A_FILE = new Set(['ENOENT', 'ELOOP', 'ENXIO']);

/** Opens a regular file and says what it is; undefined when it is not one (a link, a directory, a FIFO)
 * or vanished in between. */
export async function openFile(path: string): Promise<Opened | undefined> {
  let fh: FileHandle;
  try {
    fh = await open(path, FLAGS);
  } catch (e) {
    if (NOT_A_FILE.has((e as NodeJS.ErrnoException).code ?? '')) return undefined;
    throw e;
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) {
      await fh.close();
      return undefined;
    }
    return { fh, dev: st.dev, ino: st.ino, size: st.size, fp: await fingerprintFd(fh) };
  } catch (e) {
    await fh.close().catch(() => {});
    throw e;
  }
}
