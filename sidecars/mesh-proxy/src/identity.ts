// The pod's identity: its certificate and key, and the mesh CA that every peer's certificate must chain
// to, all from one directory that the CA rewrites before the certificate expires. A set that does not
// hold together (a key of another certificate, another SPIFFE ID, an expired or foreign certificate) is
// refused, and the last good one stays (lib/reloadable.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { type CertPair, loadPair } from '../../lib/dataplane/index.js';
import { certSpiffeId } from './spiffe.js';

export interface Identity extends CertPair {
  ca: Buffer;
  spiffeId: string;
}

export const identityFiles = (dir: string) => ['tls.crt', 'tls.key', 'ca.crt'].map((f) => join(dir, f));

export function loadIdentity(dir: string, expectedId: string, now = new Date()): Identity {
  const [certFile, keyFile, caFile] = identityFiles(dir) as [string, string, string];
  const pair = loadPair(certFile, keyFile, now);
  let ca: Buffer, caCert: X509Certificate;
  try {
    ca = readFileSync(caFile);
    caCert = new X509Certificate(ca);
  } catch (e) {
    throw new Error(`${caFile} is not a readable PEM certificate: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const leaf = new X509Certificate(pair.cert);
  if (!caCert.ca) throw new Error(`${caFile} is not a CA certificate`);
  if (!leaf.checkIssued(caCert) || !leaf.verify(caCert.publicKey)) throw new Error(`${certFile} is not issued by the CA in ${caFile}`);
  const id = certSpiffeId(leaf.subjectAltName);
  if (id === undefined) throw new Error(`${certFile} has no SPIFFE ID (one URI SAN spiffe://…)`);
  if (id !== expectedId) throw new Error(`${certFile} is ${id}, not this pod's identity ${expectedId}`);
  return { ...pair, ca, spiffeId: id };
}
