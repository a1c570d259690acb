// Profiling one sidecar process in a container of the bench pod (npm run bench:https -- --profile tcp|http,
// npm run bench:mesh -- --profile): where its time goes, as self time per function, under its runtime's CPU
// profiler (Bun's --cpu-prof, which writes the same .cpuprofile as Node's). The .cpuprofile is kept under
// artifacts/ (open it in Chrome DevTools or speedscope). The profiler samples the JS thread's stack by the wall
// clock, so a share is of time, not of CPU: a thread switched out inside a syscall (a send that woke its receiver
// on the same core) still counts there.
import { chmodSync, mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { $ } from 'zx';
import { ARTIFACTS_DIR } from '../lib/config.js';
import type { BenchPod } from './pod.js';
import { wrk } from './wrk.js';

interface CallNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: CallNode[];
  samples: number[];
  timeDeltas: number[];
}

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
  return [...time]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([k, t]) => `${((t / total) * 100).toFixed(1).padStart(5)}%  ${k}`);
}

/** One more container of a sidecar image in the bench pod, profiled: what it runs and where it listens. */
export interface Profiled {
  /** The image; its entrypoint must be the runtime (bun or node), its flags, then the script. */
  image: string;
  /** Arguments after the image's own (the script's flags). */
  args: string[];
  /** Extra docker run arguments (volumes...). */
  docker: string[];
  /** The port it serves the load on, inside the pod. */
  port: number;
  tls: boolean;
  /** Names the kept profile: artifacts/<dir>/<label>-<time>.cpuprofile. */
  dir: string;
  label: string;
}

/**
 * Where a sidecar process's time goes: starts its image as one more container of the bench pod (same
 * core, same weight) under its runtime's --cpu-prof, drives it with wrk, stops it with SIGTERM (the
 * profile is written on exit), prints the functions with the most self time and keeps the .cpuprofile
 * under artifacts/.
 */
export async function profileSidecar(pod: BenchPod, p: Profiled, seconds: number): Promise<string> {
  const dir = join(ARTIFACTS_DIR, p.dir);
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o777); // the sidecar writes it as its own non-root user
  const before = new Set(readdirSync(dir));
  const podId = await pod.project.id('pod');
  const name = `${pod.project.name}-profile`;
  // The image's own entrypoint (the runtime, its flags, the script), with the profiler's flags added after the runtime.
  const [runtime, ...rest] = JSON.parse(
    (await $`docker image inspect -f ${'{{json .Config.Entrypoint}}'} ${p.image}`.quiet()).stdout,
  ) as string[];
  await $`docker run --pull never -d --name ${name} --network ${`container:${podId}`} --cpuset-cpus ${String(pod.cores.pod)} --cpu-shares 10240 --cgroup-parent sidecar-lab-bench ${p.docker} -v ${`${dir}:/prof`} --entrypoint ${runtime!} ${p.image} --cpu-prof --cpu-prof-dir /prof ${rest} ${p.args}`.quiet();
  try {
    await pod.loadgen('probe', { targets: [pod.target({ id: 'p', label: 'p', service: 'p', port: p.port, tls: p.tls })] });
    const r = await wrk(pod.prefix, `${p.tls ? 'https' : 'http'}://127.0.0.1:${p.port}/1k`, { conns: 64, seconds });
    console.log(`profiled ${p.label}: ${Math.round(r.perSecond)} req/s under the profiler`);
  } finally {
    await $`docker stop -t 10 ${name}`.quiet().nothrow();
    await $`docker rm ${name}`.quiet().nothrow();
  }
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile') && !before.has(f));
  if (!file) throw new Error(`the sidecar wrote no profile into ${dir}`);
  const kept = join(dir, `${p.label}-${new Date().toISOString().replace(/[:.]/g, '-')}.cpuprofile`);
  renameSync(join(dir, file), kept);
  console.log(selfTimes(JSON.parse(readFileSync(kept, 'utf8')) as Profile).join('\n'));
  return kept;
}
