// npm run bench:https -- --profile tcp|http: where the sidecar's time goes. Starts one more tls-proxy in
// the bench pod (same core, same flags, port 8453) under node --cpu-prof, drives it with wrk, stops it
// with SIGTERM (the profile is written on exit), and prints the functions with the most self time.
// The .cpuprofile is kept under artifacts/ (open it in Chrome DevTools or speedscope).
import { chmodSync, mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { $ } from 'zx';
import { ARTIFACTS_DIR, VERSION } from '../lib/config.js';
import type { BenchPod } from './pod.js';
import { wrk } from './wrk.js';

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }
interface Profile { nodes: Node[]; samples: number[]; timeDeltas: number[] }

/** Self time per function, as a share of all samples (idle included, so the shares add up to the whole run). */
export function selfTimes(p: Profile, top = 30): string[] {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const time = new Map<string, number>();
  let total = 0;
  p.samples.forEach((id, i) => {
    const n = byId.get(id)!;
    const dt = p.timeDeltas[i] ?? 0;
    total += dt;
    const where = n.callFrame.url ? ` ${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber + 1}` : '';
    const key = `${n.callFrame.functionName || '(anonymous)'}${where}`;
    time.set(key, (time.get(key) ?? 0) + dt);
  });
  return [...time].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, t]) => `${((t / total) * 100).toFixed(1).padStart(5)}%  ${k}`);
}

export async function profileSidecar(pod: BenchPod, mode: 'tcp' | 'http', certDir: string, seconds: number): Promise<string> {
  const dir = join(ARTIFACTS_DIR, 'bench-https-profile');
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o777); // the sidecar writes it as its own non-root user
  const before = new Set(readdirSync(dir));
  const podId = await pod.project.id('pod');
  const name = `${pod.project.name}-profile`;
  const image = `sidecar-lab/tls-proxy:${VERSION}`;
  // The image's own entrypoint (node, its flags, the script), with the profiler's flags added after node.
  const [node, ...rest] = JSON.parse((await $`docker image inspect -f ${'{{json .Config.Entrypoint}}'} ${image}`.quiet()).stdout) as string[];
  await $`docker run -d --name ${name} --network ${`container:${podId}`} --cpuset-cpus ${String(pod.cores.pod)} --cpu-shares 10240 --cgroup-parent sidecar-lab-bench -v ${`${certDir}:/etc/tls:ro`} -v ${`${dir}:/prof`} --entrypoint ${node!} ${image} --cpu-prof --cpu-prof-dir /prof ${rest} --mode ${mode} --listen-port 8453 --admin-port 9953 --upstream-port 8081 --min-tls-version 1.3`.quiet();
  try {
    await pod.loadgen('probe', { targets: [{ ...pod.target({ id: 'p', label: 'p', service: 'p', port: 8453, tls: true }) }] });
    const r = await wrk(pod.prefix, 'https://127.0.0.1:8453/1k', { conns: 64, seconds });
    console.log(`profiled ${mode} mode: ${Math.round(r.perSecond)} req/s under the profiler`);
  } finally {
    await $`docker stop -t 10 ${name}`.quiet().nothrow();
    await $`docker rm ${name}`.quiet().nothrow();
  }
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile') && !before.has(f));
  if (!file) throw new Error(`the sidecar wrote no profile into ${dir}`);
  const kept = join(dir, `tls-proxy-${mode}-${new Date().toISOString().replace(/[:.]/g, '-')}.cpuprofile`);
  renameSync(join(dir, file), kept);
  console.log(selfTimes(JSON.parse(readFileSync(kept, 'utf8')) as Profile).join('\n'));
  return kept;
}
