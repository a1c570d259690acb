// Checks 1-3: what a client sees through the published TLS port, and what it cannot reach.
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { createCa } from '../../scripts/lib/certs.js';
import { expect, type Check } from '../../scripts/lib/check.js';
import { VERSION } from '../../scripts/lib/config.js';
import * as docker from '../../scripts/lib/docker.js';
import type { StackContext } from '../../scripts/lib/lifecycle.js';
import { handshake, httpsGet, rawExchange } from '../../scripts/lib/tls-client.js';
import { caDir, endpoints, get } from './support.js';

type C = Check<StackContext>;

export const httpsReachesApp: C = {
  name: 'HTTPS through the pod’s published port returns the legacy app’s response, verified against the generated CA; the app receives X-Forwarded-Proto: https',
  async run(ctx) {
    const r = await get(ctx, '/hello');
    expect.equal(r.status, 200, 'status of GET /hello over verified HTTPS');
    const body = JSON.parse(r.body) as { app: string; headers: Record<string, string> };
    expect.equal(body.app, 'legacy-greeter', 'the answer comes from the legacy app');
    expect.equal(body.headers['x-forwarded-proto'], 'https', 'X-Forwarded-Proto the app received');
    expect.match(body.headers['x-forwarded-for'] ?? '', /^\d+\.\d+\.\d+\.\d+$/, 'X-Forwarded-For the app received');
    // Verification is real: the same request from a client that trusts another CA is refused.
    const other = await createCa(join(ctx.state, 'other-ca'));
    const { https } = await endpoints(ctx);
    const err = await expect.rejects(() => httpsGet(https, { ca: readFileSync(other.cert) }), 'a client that trusts another CA');
    expect.match(err.message, /self[- ]signed|unable to (get|verify)|certificate/i, 'why a client that trusts another CA is refused');
  },
};

const tcpRefused = (host: string, port: number) =>
  new Promise<string>((resolve) => {
    const s = connect({ host, port, timeout: 2000 });
    s.once('connect', () => {
      s.destroy();
      resolve('connected');
    });
    s.once('timeout', () => {
      s.destroy();
      resolve('timeout');
    });
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });

export const plainPortIsPrivate: C = {
  name: 'the legacy app’s plain port cannot be reached from the host or from another container, but can be from inside the pod',
  async run(ctx) {
    const pod = await ctx.project.id('pod');
    const podIp = await docker.ip(pod);
    const err = await expect.rejects(() => ctx.project.port('pod', 8080), 'the app port published on the host');
    expect.match(err.message, /no port|not|failed/i, 'Compose publishes no host port for 8080');
    expect.equal(await tcpRefused(podIp, 8080), 'ECONNREFUSED', `TCP connect from the host to the pod (${podIp}:8080)`);

    // Another container on the stack's network: the TLS port answers it (a positive control), the app port does not.
    const [net] = await docker.networks(pod);
    const probe = (args: string[]) =>
      docker.runOnce([
        '--network',
        net!,
        '-v',
        `${caDir(ctx)}:/ca:ro`,
        `sidecar-lab/toolbox:${VERSION}`,
        'curl',
        '-sS',
        '-m',
        '3',
        ...args,
      ]);
    const tlsFromPeer = await probe(['--cacert', '/ca/ca.crt', '--resolve', `localhost:8443:${podIp}`, 'https://localhost:8443/peer']);
    expect.match(
      tlsFromPeer.stdout,
      /legacy-greeter/,
      `a peer container reaches the TLS port (positive control); curl exit ${tlsFromPeer.code}: ${tlsFromPeer.stderr.trim()}`,
    );
    const plainFromPeer = await probe([`http://${podIp}:8080/`]);
    expect.equal(
      plainFromPeer.code,
      7,
      `curl exit code from a peer container to ${podIp}:8080 (7: could not connect); stderr ${plainFromPeer.stderr.trim()}`,
    );

    // Inside the pod, over loopback, it answers: that is how the sidecar reaches it.
    const side = await ctx.project.id('tls-proxy');
    const inside = await docker.exec(side, [
      'bun',
      '-e',
      "fetch('http://127.0.0.1:8080/inside').then(r => r.text()).then(t => process.stdout.write(t))",
    ]);
    expect.match(inside, /"app": "legacy-greeter"/, 'GET http://127.0.0.1:8080/ from inside the pod');
  },
};

export const oldTlsAndPlainHttpRefused: C = {
  name: 'TLS 1.0 and 1.1 handshakes are refused, and plain HTTP sent to the TLS port gets a prompt 400',
  async run(ctx) {
    const { tlsPort } = await endpoints(ctx);
    // Positive controls: the same client code negotiates 1.2 and 1.3.
    expect.equal(
      await handshake('127.0.0.1', tlsPort, { min: 'TLSv1.2', max: 'TLSv1.2' }),
      'TLSv1.2',
      'negotiated protocol with a TLS 1.2 client',
    );
    expect.equal(
      await handshake('127.0.0.1', tlsPort, { min: 'TLSv1.3', max: 'TLSv1.3' }),
      'TLSv1.3',
      'negotiated protocol with a TLS 1.3 client',
    );
    for (const v of ['TLSv1', 'TLSv1.1'] as const) {
      const err = await expect.rejects(() => handshake('127.0.0.1', tlsPort, { min: v, max: v }), `a ${v} handshake`);
      expect.match(err.message, /alert protocol version/i, `why a ${v} handshake fails (the server's protocol_version alert)`);
    }
    const plain = await rawExchange('127.0.0.1', tlsPort, 'GET / HTTP/1.1\r\nHost: localhost\r\n\r\n');
    expect.match(plain.reply, /^HTTP\/1\.1 400 Bad Request\r\n[\s\S]*This port speaks HTTPS/, 'the answer to plain HTTP on the TLS port');
    expect.ok(plain.ms < 1000, 'plain HTTP is answered promptly', '< 1000 ms', `${plain.ms} ms`);
  },
};
