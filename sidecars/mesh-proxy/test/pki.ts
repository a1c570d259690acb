// A throwaway mesh PKI for tests, made with the openssl CLI: a CA, and identity directories (tls.crt,
// tls.key, ca.crt) with a SPIFFE ID each, as the stack's CA writes them.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

export interface MeshPki {
  dir: string;
  caFile: string;
  /** Writes an identity for spiffe://sidecar-lab/test/<name> (or the given URI) into a new or existing directory. */
  identity(name: string, o?: { uri?: string; days?: number; into?: string; ca?: 'own' | 'foreign' }): string;
  cleanup(): void;
}

export function makeMeshPki(): MeshPki {
  const dir = mkdtempSync(join(tmpdir(), 'mesh-proxy-test-'));
  const ssl = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const makeCa = (name: string) =>
    ssl([
      'req',
      '-x509',
      ...EC,
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.crt`,
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign',
    ]);
  makeCa('ca');
  makeCa('foreign');
  let serial = 1;
  return {
    dir,
    caFile: join(dir, 'ca.crt'),
    identity(name, o = {}) {
      const out = o.into ?? join(dir, `id-${name}`);
      mkdirSync(out, { recursive: true });
      const uri = o.uri ?? `spiffe://sidecar-lab/test/${name}`;
      const ca = o.ca === 'foreign' ? 'foreign' : 'ca';
      const ext = join(dir, `${name}.ext`);
      writeFileSync(ext, `subjectAltName=URI:${uri},DNS:${name}\nextendedKeyUsage=serverAuth,clientAuth\n`);
      ssl(['req', ...EC, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`]);
      ssl([
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        `${ca}.crt`,
        '-CAkey',
        `${ca}.key`,
        '-set_serial',
        String(serial++),
        '-days',
        String(o.days ?? 1),
        '-extfile',
        ext,
        '-out',
        `${name}.crt`,
      ]);
      // Key first, then certificate, each renamed in whole: as the CA publishes them.
      writeFileSync(join(out, '.tls.key'), readFileSync(join(dir, `${name}.key`)));
      renameSync(join(out, '.tls.key'), join(out, 'tls.key'));
      writeFileSync(join(out, '.tls.crt'), readFileSync(join(dir, `${name}.crt`)));
      renameSync(join(out, '.tls.crt'), join(out, 'tls.crt'));
      writeFileSync(join(out, 'ca.crt'), readFileSync(join(dir, 'ca.crt')));
      return out;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
