// A local CA and server certificates for localhost, made with the host's openssl.
// The CA key stays in <state>/ca; only the server pair goes into the directory a stack mounts.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { $ } from 'zx';

export interface Ca {
  dir: string;
  cert: string;
  key: string;
}

const P256 = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

export async function createCa(dir: string): Promise<Ca> {
  // The CA certificate is public (probe containers read it as non-root users); its key is not.
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o755);
  const ca = { dir, cert: join(dir, 'ca.crt'), key: join(dir, 'ca.key') };
  await $`openssl req -x509 ${P256} -keyout ${ca.key} -out ${ca.cert} -days 7 -subj ${'/CN=sidecar-lab demo CA'} -addext ${'basicConstraints=critical,CA:TRUE'} -addext ${'keyUsage=critical,keyCertSign,cRLSign'}`.quiet();
  chmodSync(ca.key, 0o600);
  chmodSync(ca.cert, 0o644);
  return ca;
}

/**
 * Issues a server certificate for localhost and 127.0.0.1 into outDir as tls.crt/tls.key.
 * Both files are written under temporary names and renamed into place, as a real rotation would.
 * Resolves with the serial (upper-case hex, as Node and the sidecar's metrics report it).
 */
export async function issueServerCert(ca: Ca, outDir: string, cn = 'localhost'): Promise<string> {
  mkdirSync(outDir, { recursive: true });
  chmodSync(outDir, 0o755);
  // 16 bytes, first byte 0x10-0x7f: positive, no leading zero, so every tool prints it the same way.
  const bytes = randomBytes(16);
  bytes[0] = 0x10 | (bytes[0]! & 0x6f);
  const serial = bytes.toString('hex').toUpperCase();
  const work = join(ca.dir, `issue-${serial}`);
  mkdirSync(work, { mode: 0o700 });
  const ext = join(work, 'ext.cnf');
  writeFileSync(ext, 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n');
  const [key, csr, crt] = ['tls.key', 'tls.csr', 'tls.crt'].map((f) => join(work, f)) as [string, string, string];
  await $`openssl req -new ${P256} -keyout ${key} -out ${csr} -subj ${`/CN=${cn}`}`.quiet();
  await $`openssl x509 -req -in ${csr} -CA ${ca.cert} -CAkey ${ca.key} -set_serial ${`0x${serial}`} -days 2 -extfile ${ext} -out ${crt}`.quiet();
  // The sidecar runs as its own non-root user: the demo key must be readable to it.
  chmodSync(key, 0o644);
  chmodSync(crt, 0o644);
  renameSync(crt, join(outDir, 'tls.crt'));
  renameSync(key, join(outDir, 'tls.key'));
  return serial;
}
