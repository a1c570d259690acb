// Checks 1-3: a call across the mesh, who is refused at the door, and how calls spread over replicas.
import { connect } from 'node:tls';
import { expect, type Check } from '../../scripts/lib/check.js';
import * as docker from '../../scripts/lib/docker.js';
import type { StackContext } from '../../scripts/lib/lifecycle.js';
import { rawExchange } from '../../scripts/lib/tls-client.js';
import { call, calls, endpoints, ID, identity, type Identity, note, REPLICAS, stats } from './support.js';

type C = Check<StackContext>;

export const acrossTheMesh: C = {
  name: 'frontend → backend works through both sidecars with both apps unchanged, and the backend sees the caller’s SPIFFE ID',
  async run(ctx) {
    const e = await endpoints(ctx.project);
    const r = await call(e.frontend, '/', await identity(ctx.project, 'checks'));
    expect.equal(r.status, 200, 'GET / on the frontend');
    const backend = r.json<{ backend: { replica: string; caller: string } }>().backend;
    note(`answered by ${backend.replica}; it was told: X-Forwarded-Client-Cert: ${backend.caller}`);
    expect.equal(backend.caller, `By=${ID('backend')};URI=${ID('frontend')}`, 'the caller the backend app was told');
    expect.ok(
      REPLICAS.includes(backend.replica as (typeof REPLICAS)[number]),
      'a backend replica answered',
      REPLICAS.join('|'),
      backend.replica,
    );
  },
};

/** How a TLS client fares against the inbound port: the HTTP status it gets, or the error that ended it. */
function attempt(addr: string, who: Partial<Identity> & { ca: Buffer }): Promise<string> {
  const [host, port] = addr.split(':') as [string, string];
  return new Promise((resolve) => {
    const s = connect({
      host,
      port: Number(port),
      servername: 'frontend',
      ca: who.ca,
      cert: who.cert,
      key: who.key,
      ALPNProtocols: ['http/1.1'],
    });
    let got = '';
    s.setTimeout(10_000, () => s.destroy(new Error('timeout')));
    s.once('secureConnect', () => s.write('GET / HTTP/1.1\r\nHost: frontend\r\nConnection: close\r\n\r\n'));
    s.on('data', (c: Buffer) => {
      got += c.toString('latin1');
    });
    s.once('error', (err: NodeJS.ErrnoException) => resolve(got.match(/^HTTP\/1\.1 (\d{3})/)?.[1] ?? `error ${err.code ?? err.message}`));
    s.once('close', () => resolve(got.match(/^HTTP\/1\.1 (\d{3})/)?.[1] ?? 'closed without an answer'));
  });
}

export const refusedAtTheDoor: C = {
  name: 'refused at the inbound port: no client certificate, another CA’s certificate, an identity not on the allow list, plain HTTP; and no app port is reachable from outside its pod',
  async run(ctx) {
    const e = await endpoints(ctx.project);
    const checks = await identity(ctx.project, 'checks');
    const [none, forged, intruder] = await Promise.all([
      attempt(e.frontend, { ca: checks.ca }),
      identity(ctx.project, 'forged').then((f) => attempt(e.frontend, { ...f, ca: checks.ca })),
      identity(ctx.project, 'intruder').then((i) => attempt(e.frontend, i)),
    ]);
    const plain = (
      await rawExchange(e.frontend.split(':')[0]!, Number(e.frontend.split(':')[1]), 'GET / HTTP/1.1\r\nHost: frontend\r\n\r\n')
    ).reply;
    note(`no certificate: ${none}; forged (another CA): ${forged}; intruder: ${intruder}; plain HTTP: ${plain.split('\r\n')[0]}`);
    expect.ok(none.startsWith('error') || none.startsWith('closed'), 'no client certificate: the handshake fails', 'an error', none);
    expect.ok(
      forged.startsWith('error') || forged.startsWith('closed'),
      'a certificate from another CA: the handshake fails',
      'an error',
      forged,
    );
    expect.equal(intruder, '403', 'an identity not on the allow list');
    expect.ok(plain.startsWith('HTTP/1.1 400'), 'plain HTTP to the mTLS port', 'HTTP/1.1 400', plain.split('\r\n')[0]);
    const m = await (await fetch(`${e.admin}/metrics`)).text();
    for (const result of ['no_certificate', 'untrusted_certificate', 'denied', 'plain_http'])
      expect.ok(m.includes(`result="${result}"`), `mesh_proxy_inbound_connections_total counts ${result}`, 'a series', 'none');
    // From the frontend's pod, the backends' app (8080) and control (8081) ports: only their loopback has them.
    const app = await ctx.project.id('frontend-app');
    const probe = `import socket
for port in (8080, 8081, 15006):
    try:
        socket.create_connection(('backend-1', port), timeout=3).close(); print(port, 'open')
    except OSError as e:
        print(port, type(e).__name__)`;
    const out = (await docker.exec(app, ['python3', '-c', probe])).trim().split('\n');
    note(`from another pod to backend-1: ${out.join(', ')}`);
    expect.equal(
      out,
      ['8080 ConnectionRefusedError', '8081 ConnectionRefusedError', '15006 open'],
      'ports of backend-1 seen from outside its pod',
    );
  },
};

export const loadBalancing: C = {
  weight: 'heavy',
  name: 'load balancing: 300 requests over 3 replicas, each replica gets at least 20%',
  async run(ctx) {
    await Promise.all(REPLICAS.map((r) => stats(ctx.project, r, true)));
    const r = await calls(ctx.project, '/call?n=300&concurrency=4');
    const served = await Promise.all(REPLICAS.map(async (rep) => (await stats(ctx.project, rep)).by_path['/work'] ?? 0));
    note(`answers by replica: ${JSON.stringify(r.replicas)}; requests each replica served: ${served.join(', ')}`);
    expect.equal(r.ok, 300, 'requests answered 2xx');
    for (const rep of REPLICAS)
      expect.ok((r.replicas[rep] ?? 0) >= 60, `${rep} answered at least 60 of 300`, '>= 60', r.replicas[rep] ?? 0);
    expect.equal(
      served.reduce((a, b) => a + b, 0),
      300,
      'requests the replicas served in all (none twice)',
    );
  },
};
