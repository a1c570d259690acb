// Per-run secret files that a container reads from a mounted directory (never a single file):
// a fresh random value, readable by the container's user and, when we may chown, by nobody else.
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SecretFile {
  /** File name inside the directory, e.g. "token". */
  file: string;
  /** The uid the container reads it as: it owns the file when we run as root. */
  uid: number;
}

/** Writes a fresh random secret to dir/<file>; returns the file's path. */
export function writeSecret(dir: string, s: SecretFile): string {
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o755);
  const path = join(dir, s.file);
  writeFileSync(path, `${randomBytes(24).toString('base64url')}\n`, { mode: 0o600 });
  try {
    chownSync(path, s.uid, s.uid);
    chmodSync(path, 0o400);
  } catch {
    chmodSync(path, 0o644); // not root: the container's user can only read it if everyone can
  }
  return path;
}

export const readSecret = (path: string) => readFileSync(path, 'utf8').trim();
