// TLS peers from the openssl CLI, for the tests of the proxy's TLS policy. They offer exactly what a test
// asks (one TLS 1.2 suite, one protocol version), which a runtime's own TLS client may not be able to:
// Bun's BoringSSL has no CCM, ARIA or TLS 1.0/1.1 client. So the policy is checked the same way
// whatever the runtime and TLS library the proxy runs on.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { freePort } from './fixtures.js';

export type Version = 'tls1' | 'tls1_1' | 'tls1_2' | 'tls1_3';

export interface Handshake {
  /** The protocol and suite agreed, as OpenSSL names them; undefined when the handshake failed. */
  protocol?: string;
  cipher?: string;
  /** OpenSSL's error lines when it failed. */
  error?: string;
}

/** One handshake with `openssl s_client`, offering only this version (and this TLS 1.2 suite, when given). */
export function handshake(port: number, o: { version: Version; cipher?: string; suite13?: string; caFile: string }): Promise<Handshake> {
  const args = ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', 'localhost', '-CAfile', o.caFile, `-${o.version}`, '-brief'];
  args.push('-cipher', `${o.cipher ?? 'DEFAULT'}:@SECLEVEL=0`);
  if (o.suite13) args.push('-ciphersuites', o.suite13);
  return new Promise((resolve) => {
    const child = execFile('openssl', args, { timeout: 10_000 }, (_err, stdout, stderr) => {
      const text = `${stdout}\n${stderr}`;
      const protocol = /Protocol version: (\S+)/.exec(text)?.[1];
      const cipher = /Ciphersuite: (\S+)/.exec(text)?.[1];
      resolve(protocol && cipher ? { protocol, cipher } : { error: text.trim() });
    });
    child.stdin?.end();
  });
}

/** A control server, `openssl s_server`, that offers every suite and version OpenSSL has. */
export async function controlServer(certFile: string, keyFile: string): Promise<{ port: number; close(): void }> {
  const port = await freePort();
  const args = [
    's_server',
    '-accept',
    `127.0.0.1:${port}`,
    '-cert',
    certFile,
    '-key',
    keyFile,
    '-cipher',
    'ALL:@SECLEVEL=0',
    '-naccept',
    '1000',
  ];
  const child: ChildProcess = spawn('openssl', args, { stdio: ['pipe', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`openssl s_server exited with ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (l) => {
      if (l.startsWith('ACCEPT')) resolve();
    });
  });
  child.removeAllListeners('exit');
  return { port, close: () => child.kill() };
}

/** What a refused handshake must show: the server's handshake_failure (40) or protocol_version (70) alert. */
export const ALERT = {
  handshakeFailure: /alert handshake failure|SSL alert number 40/,
  protocolVersion: /alert protocol version|SSL alert number 70/,
};
