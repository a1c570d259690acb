// Loads and checks a certificate/key pair, and watches the files so a replacement is served to
// new connections without a restart. A broken pair is refused and the last good one stays.
import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { dirname } from 'node:path';
import { createSecureContext } from 'node:tls';
import type { Logger } from '../log.js';
import type { Reloadable } from '../reloadable.js';

export interface CertPair {
  cert: Buffer;
  key: Buffer;
  serial: string;
  notAfter: Date;
  subject: string;
  fingerprint: string;
}

export function loadPair(certFile: string, keyFile: string, now = new Date()): CertPair {
  const read = (path: string, what: string) => {
    try {
      return readFileSync(path);
    } catch (e) {
      throw new Error(`cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  };
  const cert = read(certFile, 'certificate'),
    key = read(keyFile, 'key');
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch {
    throw new Error(`${certFile} is not a PEM certificate`);
  }
  let privateKey: ReturnType<typeof createPrivateKey>;
  try {
    privateKey = createPrivateKey(key);
  } catch {
    throw new Error(`${keyFile} is not a PEM private key`);
  }
  if (!x509.checkPrivateKey(privateKey)) throw new Error(`${keyFile} does not match the certificate in ${certFile}`);
  const notAfter = new Date(x509.validTo);
  if (notAfter < now) throw new Error(`certificate ${certFile} expired on ${notAfter.toISOString()}`);
  createSecureContext({ cert, key }); // what the TLS server will do; throws on anything else it dislikes
  return {
    cert,
    key,
    notAfter,
    subject: x509.subject.replace(/\n/g, ', '),
    serial: x509.serialNumber.toUpperCase(),
    fingerprint: createHash('sha256').update(cert).update(key).digest('hex'),
  };
}

/** Calls onChange (debounced) when files in the given paths' directories change, and every interval. */
export function watchFiles(paths: string[], intervalMs: number, onChange: (reason: string) => void): () => void {
  let timer: NodeJS.Timeout | undefined;
  const soon = (reason: string) => {
    clearTimeout(timer);
    timer = setTimeout(() => onChange(reason), 100);
  };
  const watchers: FSWatcher[] = [];
  for (const dir of new Set(paths.map((p) => dirname(p)))) {
    try {
      // The directory, not the file: an atomic rename or a ..data symlink swap replaces the inode.
      watchers.push(watch(dir, () => soon('file change')));
    } catch {
      /* polling below still covers it */
    }
  }
  const poll = setInterval(() => onChange('poll'), intervalMs);
  poll.unref();
  return () => {
    clearInterval(poll);
    clearTimeout(timer);
    for (const w of watchers) w.close();
  };
}

/** Fingerprint of the raw files, or of why they cannot be read: a change in either means "try again". */
export function rawFingerprint(paths: string[]): string {
  const h = createHash('sha256');
  for (const p of paths) {
    try {
      h.update(readFileSync(p));
    } catch (e) {
      h.update(`unreadable:${(e as NodeJS.ErrnoException).code}`);
    }
    h.update('\0');
  }
  return h.digest('hex');
}

/**
 * Keeps a loaded certificate store current: when its files change (watched, and polled every intervalMs)
 * or on check(reason, true), it is reloaded; a new, good pair is handed to applied(). A bad one keeps the
 * last good pair (Reloadable). applied() is called once at once, for the pair loaded already.
 */
export function follow<T extends CertPair>(
  o: { files: string[]; intervalMs: number; store: Reloadable<T>; log: Logger; what: string },
  applied: (value: T) => void,
): { check(reason: string, force?: boolean): Promise<void>; unwatch(): void } {
  applied(o.store.value);
  let seen = rawFingerprint(o.files);
  const check = async (reason: string, force = false) => {
    const now = rawFingerprint(o.files);
    if (now === seen && !force) return;
    seen = now;
    const before = o.store.value.fingerprint;
    const r = await o.store.reload(reason);
    if (r.ok && o.store.value.fingerprint !== before) {
      applied(o.store.value);
      o.log.info(`serving new ${o.what}`, { serial: o.store.value.serial, notAfter: o.store.value.notAfter.toISOString() });
    }
  };
  const unwatch = watchFiles(o.files, o.intervalMs, (reason) => void check(reason));
  return { check, unwatch };
}
