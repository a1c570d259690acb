// What bench:mesh sets up and states beyond the kernel's (scripts/bench/): the ways through the pod, a
// throwaway mesh PKI (a CA and two SPIFFE identities), the versions of what it compares, and the conditions
// particular to it.
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { $ } from 'zx';
import { runtimeLine } from '../../../scripts/bench/conditions.js';
import type { Settings } from '../../../scripts/bench/measure.js';
import type { BenchPod, Variant } from '../../../scripts/bench/pod.js';
import { wrkVersion } from '../../../scripts/bench/wrk.js';
import { createCa } from '../../../scripts/lib/certs.js';
import { spec as meshProxy } from '../../../sidecars/mesh-proxy/src/params.js';

/** The app, the sidecar pair and the HAProxy pair; the loadgen plays the calling app, origin the called one. */
export const VARIANTS: Variant[] = [
  { id: 'direct', label: 'direct HTTP to the app (nginx, 1 KB)', service: 'origin', port: 8081, tls: false },
  {
    id: 'ours',
    label: 'mesh-proxy pair',
    service: 'mesh-out',
    port: 15001,
    tls: false,
    members: [
      { service: 'mesh-out', adminPort: 9915 },
      { service: 'mesh-in', adminPort: 9916 },
    ],
  },
  // The floor (scripts/bench/floor/pipe.mjs): what the pair would cost with nothing of its own.
  {
    id: 'floor',
    label: 'floor pair: bare Bun, heads added to, mTLS, nothing parsed',
    service: 'floor-out',
    port: 15201,
    tls: false,
    members: [{ service: 'floor-out' }, { service: 'floor-in' }],
  },
  {
    id: 'haproxy',
    label: 'HAProxy pair',
    service: 'haproxy-out',
    port: 15101,
    tls: false,
    members: [{ service: 'haproxy-out' }, { service: 'haproxy-in' }],
  },
];

/** Which container is which end of the hop, for the memory table and the goals. */
export const ROLE: Record<string, string> = {
  'mesh-out': 'outbound (caller side)',
  'mesh-in': 'inbound (called side)',
  'floor-out': 'outbound (caller side)',
  'floor-in': 'inbound (called side)',
  'haproxy-out': 'outbound (caller side)',
  'haproxy-in': 'inbound (called side)',
};

export const TRUST_DOMAIN = 'sidecar-lab';
export const NAMESPACE = 'bench';

export interface MeshPki {
  /** <ids>/client and <ids>/app: tls.crt, tls.key, ca.crt each, as mesh-proxy reads an identity directory. */
  ids: string;
  /** client.pem and app.pem (certificate then key) and ca.crt, as HAProxy reads them. */
  haproxy: string;
  ca: string;
}

/**
 * A throwaway CA (EC P-256) and two identities it signs, spiffe://sidecar-lab/bench/client and …/app (URI SAN, with the
 * service name as DNS SAN). Every file is world-readable: the sidecars run as their own non-root users, and the keys
 * are thrown away with the run.
 */
export async function makePki(state: string): Promise<MeshPki> {
  const ca = await createCa(join(state, 'ca'));
  const ids = join(state, 'ids'),
    haproxy = join(state, 'haproxy');
  for (const d of [ids, haproxy]) mkdirSync(d, { recursive: true, mode: 0o755 });
  const put = (file: string, data: Buffer) => {
    writeFileSync(file, data);
    chmodSync(file, 0o644);
  };
  for (const name of ['client', 'app']) {
    const work = join(ca.dir, name);
    mkdirSync(work, { mode: 0o700 });
    const [key, csr, crt, ext] = ['tls.key', 'tls.csr', 'tls.crt', 'ext.cnf'].map((f) => join(work, f)) as [string, string, string, string];
    writeFileSync(
      ext,
      `subjectAltName=URI:spiffe://${TRUST_DOMAIN}/${NAMESPACE}/${name},DNS:${name}\nextendedKeyUsage=serverAuth,clientAuth\nbasicConstraints=CA:FALSE\n`,
    );
    await $`openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ${key} -out ${csr} -subj ${`/CN=${name}`}`.quiet();
    await $`openssl x509 -req -in ${csr} -CA ${ca.cert} -CAkey ${ca.key} -set_serial ${name === 'client' ? '1' : '2'} -days 2 -extfile ${ext} -out ${crt}`.quiet();
    const dir = join(ids, name);
    mkdirSync(dir, { mode: 0o755 });
    chmodSync(dir, 0o755);
    put(join(dir, 'tls.crt'), readFileSync(crt));
    put(join(dir, 'tls.key'), readFileSync(key));
    put(join(dir, 'ca.crt'), readFileSync(ca.cert));
    put(join(haproxy, `${name}.pem`), Buffer.concat([readFileSync(crt), readFileSync(key)]));
  }
  put(join(haproxy, 'ca.crt'), readFileSync(ca.cert));
  return { ids, haproxy, ca: ca.cert };
}

/** The versions of what runs in the pod, and of wrk (the conditions block adds sidecar-lab, the host's Node.js and Docker). */
export async function versions(pod: BenchPod): Promise<Record<string, string>> {
  return {
    ...(await pod.bunVersions('mesh-out', 'mesh-proxy')),
    HAProxy: await pod.version('haproxy-in', ['haproxy', '-v'], /HAProxy version (\S+)/),
    "HAProxy's OpenSSL": await pod.version('haproxy-in', ['haproxy', '-vv'], /Running on OpenSSL version : OpenSSL (\S+)/),
    'nginx (the app)': await pod.version('origin', ['nginx', '-v'], /nginx\/(\S+)/),
    wrk: (await wrkVersion()) ?? 'unknown',
  };
}

/** The lines of the conditions block that only bench:mesh has. */
export function notes(o: { cores: { pod: number; load: number }; settings: Settings; priority: string }): string[] {
  const s = o.settings;
  return [
    `Pinning: every container of the bench pod (both sidecars of each pair, and the app) has cpuset ${o.cores.pod} and cpu_shares 10240, under a parent cgroup with 10× an ordinary process's CPU weight (${o.priority}); the load generators run with taskset -c ${o.cores.load} in a cgroup of their own with the same weight, inside the pod's network namespace (nsenter --net), so every hop is the pod loopback. Both pairs run at once, idle but for the one measured; health checks are off.`,
    "Path: the load generator plays the calling app and sends plain HTTP/1.1 to its outbound sidecar on 127.0.0.1; that sidecar opens mTLS (TLS 1.3, kept-alive connections) to the called side's inbound sidecar, which forwards plain HTTP to the app (nginx serving 1 KB, images/bench-nginx origin.conf, on 127.0.0.1:8081). \"Direct\" is the load generator calling the app itself; added latency is a pair minus direct, per round. Both ends are in one pod on one core: the hop's network is the loopback, so what is measured is the sidecars' own cost.",
    "mesh-proxy: outbound `--service client --outbound app:15006=15001` (\"app\" resolves to 127.0.0.1 through the pod's /etc/hosts), inbound `--service app --allow client`, namespace bench, other flags at their defaults (retries 2 under the retry budget, outlier detection, circuit breaker at 1024 pending, traceparent and X-Forwarded-Client-Cert added, no span export). Identities: a throwaway CA and two EC P-256 certificates with SPIFFE IDs spiffe://sidecar-lab/bench/client and …/app; the outbound side checks the server's SPIFFE ID, the inbound side the caller's against its allow list.",
    'Floor pair: two bare Buns of the mesh-proxy image with the modules tls-proxy loads (scripts/bench/floor/pipe.mjs --rewrite), on the same path and with the same identities: plain on 15201, mTLS (the client certificate required and checked against the CA) to 15206, then the app. Each side adds X-Forwarded-For and X-Forwarded-Proto to each request head it finds by a search; nothing is parsed, no SPIFFE ID is checked, and the responses are relayed unframed. It is what any mesh sidecar pair on this runtime pays at least.',
    "HAProxy: Debian's, one process with nbthread 1 per side, mode http (stacks/mesh/bench/haproxy/): out.cfg forwards to in.cfg with `ssl crt <client> ca-file <CA> verify required sni str(app) verifyhost app ssl-min-ver TLSv1.3 alpn http/1.1` and http-reuse always; in.cfg binds with `ssl crt <app> ca-file <CA> verify required ssl-min-ver TLSv1.3 alpn http/1.1` and keeps its connections to the app alive (http-reuse always). It adds no headers and checks no SPIFFE ID.",
    runtimeLine(meshProxy),
    `Load generators: maximum throughput: wrk -t1 -c${s.conns}, ${s.seconds} s (closed loop, keep-alive); latency: Node open-loop generator (scripts/bench/openloop.ts) at ${s.rate} req/s over ${s.rateConns} keep-alive connections, ${s.seconds} s after 1 s of warm-up, latency from each request's scheduled send time (no coordinated omission). Rounds: every round measures every variant back to back, after a 2 s wrk warm-up of each.`,
  ];
}
