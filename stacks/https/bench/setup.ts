// What bench:https sets up and states beyond the kernel's (scripts/bench/): its certificate, the
// versions of the proxies it compares, and the conditions particular to it (pinning, upstream, load).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCa, issueServerCert } from '../../../scripts/lib/certs.js';
import { runtimeLine } from '../../../scripts/bench/conditions.js';
import type { Settings } from '../../../scripts/bench/measure.js';
import type { BenchPod, Variant } from '../../../scripts/bench/pod.js';
import { wrkVersion } from '../../../scripts/bench/wrk.js';
import { spec as tlsProxy } from '../../../sidecars/tls-proxy/src/params.js';

/** The ways bench:https reaches the upstream; `fast`: nginx serving 1 KB is the upstream, legacy-greeter a reference row. */
export function variantsFor(fast: boolean): Variant[] {
  const upstream = fast ? 'origin' : 'greeter';
  return [
    {
      id: 'direct',
      label: `direct HTTP to the upstream (${fast ? 'nginx, 1 KB' : 'legacy-greeter'})`,
      service: upstream,
      port: 8081,
      tls: false,
    },
    ...(fast
      ? [{ id: 'direct-python', label: 'direct HTTP to legacy-greeter (Python), reference', service: 'greeter', port: 8080, tls: false }]
      : []),
    { id: 'ours-tcp', label: 'tls-proxy --mode tcp (L4)', service: 'ours-tcp', port: 8443, tls: true, adminPort: 9901 },
    { id: 'ours-http', label: 'tls-proxy --mode http (L7)', service: 'ours-http', port: 8444, tls: true, adminPort: 9902 },
    // The floor under load (scripts/bench/floor/pipe.mjs): what tcp mode would cost with nothing of its own.
    {
      id: 'floor-tcp',
      label: 'floor: bare Bun relaying TLS on its native sockets (L4), with the modules tls-proxy loads',
      service: 'floor-pipe',
      port: 8449,
      tls: true,
    },
    // The floor of http mode under load (pipe.mjs --rewrite): the request heads found and added to, nothing parsed or framed.
    {
      id: 'floor-http',
      label:
        'floor: bare Bun adding X-Forwarded-* to each request head on its native sockets (L7; nothing parsed, responses unframed), with the modules tls-proxy loads',
      service: 'floor-rewrite',
      port: 8450,
      tls: true,
    },
    { id: 'nginx', label: 'nginx http (L7)', service: 'nginx', port: 8445, tls: true },
    { id: 'nginx-stream', label: 'nginx stream (L4)', service: 'nginx-stream', port: 8447, tls: true },
    { id: 'haproxy', label: 'HAProxy mode http (L7)', service: 'haproxy', port: 8446, tls: true },
    { id: 'haproxy-tcp', label: 'HAProxy mode tcp (L4)', service: 'haproxy-tcp', port: 8448, tls: true },
  ];
}

/** Which reference each sidecar mode is compared with: the nginx and HAProxy variant of the same layer. */
export const REFERENCES: Record<string, { nginx: string; haproxy: string }> = {
  'ours-tcp': { nginx: 'nginx-stream', haproxy: 'haproxy-tcp' },
  'ours-http': { nginx: 'nginx', haproxy: 'haproxy' },
  'floor-tcp': { nginx: 'nginx-stream', haproxy: 'haproxy-tcp' },
  'floor-http': { nginx: 'nginx', haproxy: 'haproxy' },
};

/** One ECDSA P-256 certificate for localhost, signed by a fresh CA; combined.pem (chain then key) is for HAProxy. */
export async function makeCerts(state: string): Promise<{ dir: string; ca: string }> {
  const ca = await createCa(join(state, 'ca'));
  const dir = join(state, 'certs');
  await issueServerCert(ca, dir);
  writeFileSync(join(dir, 'combined.pem'), Buffer.concat([readFileSync(join(dir, 'tls.crt')), readFileSync(join(dir, 'tls.key'))]), {
    mode: 0o644,
  });
  return { dir, ca: ca.cert };
}

/** The versions of what runs in the pod, and of wrk (the conditions block adds sidecar-lab, the host's Node.js and Docker). */
export async function versions(pod: BenchPod, services: string[]): Promise<Record<string, string>> {
  const has = (s: string) => services.includes(s);
  const v: Record<string, string> = has('ours-tcp') ? await pod.bunVersions('ours-tcp', 'tls-proxy') : {};
  if (has('nginx')) v.nginx = await pod.version('nginx', ['nginx', '-v'], /nginx\/(\S+)/);
  // Debian's package version where the image keeps dpkg; else nginx's own: a module loads only into the nginx it was built for.
  if (has('nginx-stream'))
    v['nginx stream module (libnginx-mod-stream)'] = await pod.version(
      'nginx-stream',
      ['sh', '-c', "dpkg-query -W -f '${Version}' libnginx-mod-stream 2>/dev/null || nginx -v 2>&1"],
      /^(\d\S*)$|nginx\/(\S+)/m,
    );
  if (has('haproxy')) v.HAProxy = await pod.version('haproxy', ['haproxy', '-v'], /HAProxy version (\S+)/);
  if (has('nginx'))
    v['libssl (nginx, HAProxy)'] = await pod.version(
      'nginx',
      ['sh', '-c', "dpkg-query -W -f '${Version}' libssl3t64 2>/dev/null || nginx -V 2>&1"],
      /^(\d\S*)$|built with OpenSSL \S+[^\n]*running with OpenSSL (\S+)|built with OpenSSL (\S+)/m,
    );
  v['legacy-greeter on Python'] = await pod.version('greeter', ['python3', '--version'], /Python (\S+)/);
  v.wrk = (await wrkVersion()) ?? 'unknown';
  return v;
}

/** The lines of the conditions block that only bench:https has. */
export function notes(o: { cores: { pod: number; load: number }; settings: Settings; fast: boolean; priority: string }): string[] {
  const s = o.settings;
  return [
    `Pinning: every container of the bench pod (proxies and upstream) has cpuset ${o.cores.pod} and cpu_shares 10240, under a parent cgroup with 10× an ordinary process's CPU weight (${o.priority}); the load generators run with taskset -c ${o.cores.load} in a cgroup of their own with the same weight (a process in the root cgroup is weighed by its session's autogroup, which made the generator itself lag by up to 200 ms), inside the pod's network namespace (nsenter --net), so every request travels the pod loopback (a published port would add docker-proxy, an unpinned userland copier). All proxies run at once, idle but for the one measured; health checks are off during the run.`,
    `Upstream: ${
      o.fast
        ? 'nginx serving 1 KB (images/bench-nginx, origin.conf) on the pod loopback. legacy-greeter (Python, GET /1k) is measured directly as a reference: it is the bottleneck by an order of magnitude, so behind it every proxy would measure Python, not itself.'
        : 'legacy-greeter (Python, GET /1k) on the pod loopback.'
    }`,
    'References: one container each, one worker or thread each, the same certificate and upstream. L7: nginx http (proxy_pass, keep-alive to the upstream, X-Forwarded-* set) and HAProxy mode http (ssl on the bind line, http-reuse always, X-Forwarded-* set); L4: nginx stream (ngx_stream_module from libnginx-mod-stream, ssl on the listen line, bytes relayed) and HAProxy mode tcp (ssl on the bind line, bytes relayed). tls-proxy --mode tcp is compared with the L4 pair, --mode http with the L7 pair.',
    runtimeLine(tlsProxy),
    `Load generators: throughput: wrk -t1 -c${s.conns} (closed loop, keep-alive); latency: Node open-loop generator (scripts/bench/openloop.ts; Debian has no wrk2) at ${s.rate} req/s over ${s.rateConns} connections, latency from each request's scheduled send time; new connections: Node closed-loop client (scripts/bench/handshakes.ts), full handshakes only. TLS 1.3 everywhere, one ECDSA P-256 certificate (scripts/lib/certs.ts), verified by the Node clients.`,
  ];
}
