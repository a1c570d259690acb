// What bench:https needs before it measures: a machine that can run it (else the remedy), the
// certificate all four TLS variants share, and the versions and conditions the report states.
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, release } from 'node:os';
import { join } from 'node:path';
import { $ } from 'zx';
import { createCa, issueServerCert } from '../lib/certs.js';
import type { Settings } from './measure.js';
import type { BenchPod } from './pod.js';
import type { Conditions } from './report.js';
import { wrkVersion } from './wrk.js';

/** Problems that stop the benchmark, each with its remedy; empty when it can run. */
export async function preflight(cores: { pod: number; load: number }): Promise<string[]> {
  const problems: string[] = [];
  if (process.getuid?.() !== 0) problems.push('needs root: the load generator runs inside the bench pod\'s network namespace (nsenter). Remedy: sudo npm run bench:https');
  if (!(await wrkVersion())) problems.push('wrk is not installed. Remedy: apt-get install wrk   (Debian\'s wrk; the bench does not run in CI)');
  for (const tool of ['nsenter', 'taskset']) {
    if ((await $`sh -c ${`command -v ${tool}`}`.quiet().nothrow()).exitCode !== 0) problems.push(`${tool} is missing. Remedy: apt-get install util-linux`);
  }
  const n = cpus().length;
  if (Math.max(cores.pod, cores.load) >= n || cores.pod === cores.load) problems.push(`needs two distinct cores (pod ${cores.pod}, load ${cores.load}); this machine has ${n}. Remedy: --pod-cpu/--load-cpu`);
  return problems;
}

/** One ECDSA P-256 certificate for localhost, signed by a fresh CA; combined.pem (chain then key) is for HAProxy. */
export async function makeCerts(state: string): Promise<{ dir: string; ca: string }> {
  const ca = await createCa(join(state, 'ca'));
  const dir = join(state, 'certs');
  await issueServerCert(ca, dir);
  writeFileSync(join(dir, 'combined.pem'), Buffer.concat([readFileSync(join(dir, 'tls.crt')), readFileSync(join(dir, 'tls.key'))]), { mode: 0o644 });
  return { dir, ca: ca.cert };
}

export async function versions(pod: BenchPod, services: string[]): Promise<Record<string, string>> {
  const v: Record<string, string> = {};
  const has = (s: string) => services.includes(s);
  if (has('ours-tcp')) {
    v['tls-proxy on Node.js'] = await pod.version('ours-tcp', ['node', '-p', 'process.version'], /(v[\d.]+)/);
    v['its OpenSSL'] = await pod.version('ours-tcp', ['node', '-p', 'process.versions.openssl'], /([\d.]+\w*)/);
  }
  if (has('nginx')) v.nginx = await pod.version('nginx', ['nginx', '-v'], /nginx\/(\S+)/);
  if (has('haproxy')) v.HAProxy = await pod.version('haproxy', ['haproxy', '-v'], /HAProxy version (\S+)/);
  if (has('nginx')) v['libssl (nginx, HAProxy)'] = await pod.version('nginx', ['dpkg-query', '-W', '-f', '${Version}', 'libssl3t64'], /(\S+)/);
  v['legacy-greeter on Python'] = await pod.version('greeter', ['python3', '--version'], /Python (\S+)/);
  v.wrk = (await wrkVersion()) ?? 'unknown';
  v['load generator Node.js'] = `${process.version} (OpenSSL ${process.versions.openssl})`;
  v.Docker = (await $`docker version --format ${'{{.Server.Version}}'}`.quiet().nothrow()).stdout.trim() || 'unknown';
  return v;
}

export function machine(): string {
  const model = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? 'unknown CPU';
  return `${cpus().length} cores (${model}), Linux ${release()}, shared with other engineers' stacks`;
}

/** The conditions the report states, in words. */
export function conditions(o: { cores: { pod: number; load: number }; settings: Settings; reps: number; fast: boolean; priority: string; versions: Record<string, string>; minutes: number; load: [number, number] }): Conditions {
  const s = o.settings;
  return {
    date: `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    machine: `${machine()}; 1-minute load average ${o.load[0].toFixed(1)} at the start, ${o.load[1].toFixed(1)} at the end`,
    pinning: `every container of the bench pod (proxies and upstream) has cpuset ${o.cores.pod} and cpu_shares 10240, under a parent cgroup with 10× an ordinary process's CPU weight (${o.priority}); the load generators run with taskset -c ${o.cores.load} in a cgroup of their own with the same weight (a process in the root cgroup is weighed by its session's autogroup, which made the generator itself lag by up to 200 ms), inside the pod's network namespace (nsenter --net), so every request travels the pod loopback (a published port would add docker-proxy, an unpinned userland copier). All proxies run at once, idle but for the one measured; health checks are off during the run.`,
    loadGenerator: `throughput: wrk -t1 -c${s.conns} (closed loop, keep-alive); latency: Node open-loop generator (scripts/bench/openloop.ts; Debian has no wrk2) at ${s.rate} req/s over ${s.rateConns} connections, latency from each request's scheduled send time; new connections: Node closed-loop client (scripts/bench/handshakes.ts), full handshakes only. TLS 1.3 everywhere, one ECDSA P-256 certificate (scripts/lib/certs.ts), verified by the Node clients.`,
    upstream: o.fast
      ? 'nginx serving 1 KB (images/bench-nginx, origin.conf) on the pod loopback. legacy-greeter (Python, GET /1k) is measured directly as a reference: it is the bottleneck by an order of magnitude, so behind it every proxy would measure Python, not itself.'
      : 'legacy-greeter (Python, GET /1k) on the pod loopback.',
    reps: o.reps, ...s, versions: o.versions, wallMinutes: o.minutes,
  };
}
