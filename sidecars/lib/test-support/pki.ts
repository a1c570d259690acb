// A throwaway PKI made with the openssl CLI, for tests of anything that serves TLS: a CA (EC P-256) in a
// temp dir, server certificates for localhost and 127.0.0.1, and file replacement as a cert manager does it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const openssl = (cwd: string, args: string[]) => execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

export interface Issued {
  cert: string;
  key: string;
  serial: string;
}

export interface Pki {
  dir: string;
  caFile: string;
  ca: Buffer;
  /**
   * Issues a server certificate for localhost and 127.0.0.1, signed by the CA, with the given hex serial
   * (EC P-256 key unless rsa); o.peer makes it a client certificate too (mTLS), o.days sets its validity
   * (-1: expired).
   */
  issue(name: string, serial: string, key?: 'ec' | 'rsa', o?: { peer?: boolean; days?: number }): Issued;
  cleanup(): void;
}

/** A fresh CA (EC P-256) in a new temp dir. */
export function makePki(): Pki {
  const dir = mkdtempSync(join(tmpdir(), 'tls-proxy-test-'));
  openssl(dir, [
    'req',
    '-x509',
    ...EC,
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '2',
    '-subj',
    '/CN=sidecar-lab test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  const ext = (usage: string) =>
    [
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature',
      usage,
      '',
    ].join('\n');
  writeFileSync(join(dir, 'server.ext'), ext('extendedKeyUsage=serverAuth'));
  writeFileSync(join(dir, 'peer.ext'), ext('extendedKeyUsage=serverAuth,clientAuth'));
  const caFile = join(dir, 'ca.crt');
  return {
    dir,
    caFile,
    ca: readFileSync(caFile),
    issue(name, serial, kind = 'ec', o = {}) {
      const key = join(dir, `${name}.key`),
        csr = join(dir, `${name}.csr`),
        cert = join(dir, `${name}.crt`);
      openssl(dir, [
        'req',
        '-new',
        ...(kind === 'rsa' ? ['-newkey', 'rsa:2048', '-nodes'] : EC),
        '-keyout',
        key,
        '-out',
        csr,
        '-subj',
        '/CN=localhost',
      ]);
      openssl(dir, [
        'x509',
        '-req',
        '-in',
        csr,
        '-CA',
        'ca.crt',
        '-CAkey',
        'ca.key',
        '-set_serial',
        `0x${serial}`,
        '-days',
        String(o.days ?? 1),
        '-out',
        cert,
        '-extfile',
        o.peer ? 'peer.ext' : 'server.ext',
      ]);
      return { cert, key, serial: serial.toUpperCase() };
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Replaces a file the way a cert manager does: write a temp file in the same directory, then rename over. */
export function replaceFile(target: string, content: Buffer | string): void {
  const tmp = `${target}.tmp-${process.pid}`;
  writeFileSync(tmp, content);
  renameSync(tmp, target);
}

/** Installs pair `to` where pair `live` is read from, cert then key, each the way a cert manager does (replaceFile). */
export function installPair(live: Issued, to: Issued): void {
  replaceFile(live.cert, readFileSync(to.cert));
  replaceFile(live.key, readFileSync(to.key));
}
