// A bench pod (a compose project like stacks/https/bench/compose.yaml: every container pinned to
// one core): brought up, its containers' cgroups found for accounting, and the load generators run
// inside its network namespace on the other core.
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { $ } from 'zx';
import { parseMetrics } from '../../sidecars/lib/metrics.js';
import type { Project } from '../lib/compose.js';
import * as docker from '../lib/docker.js';
import { ContainerCgroup, coreBusySeconds, loadCgroup, raiseParentWeight } from './cgroup.js';
import type { Target } from './connect.js';
import { wrkVersion } from './wrk.js';

/** The cgroup the load generators run in (scripts/bench/cgroup.ts). */
export const LOAD_CGROUP = 'sidecar-lab-bench-load';

const LOADGEN = join(dirname(fileURLToPath(import.meta.url)), 'loadgen.js');

/** What stops a pinned benchmark (`command` is how it is run), each with its remedy; empty when it can run. */
export async function preflight(cores: { pod: number; load: number }, command: string): Promise<string[]> {
  const problems: string[] = [];
  if (process.getuid?.() !== 0)
    problems.push(`needs root: the load generator runs inside the bench pod's network namespace (nsenter). Remedy: sudo ${command}`);
  if (!(await wrkVersion()))
    problems.push("wrk is not installed. Remedy: apt-get install wrk   (Debian's wrk; the bench does not run in CI)");
  for (const tool of ['nsenter', 'taskset']) {
    if ((await $`sh -c ${`command -v ${tool}`}`.quiet().nothrow()).exitCode !== 0)
      problems.push(`${tool} is missing. Remedy: apt-get install util-linux`);
  }
  const n = cpus().length;
  if (Math.max(cores.pod, cores.load) >= n || cores.pod === cores.load)
    problems.push(`needs two distinct cores (pod ${cores.pod}, load ${cores.load}); this machine has ${n}. Remedy: --pod-cpu/--load-cpu`);
  return problems;
}

/** One way of reaching the upstream: a port in the pod, and the container doing the work in front of it. */
export interface Variant {
  id: string;
  label: string;
  service: string;
  port: number;
  tls: boolean;
  adminPort?: number;
  /** When the path crosses several containers (a mesh hop pair): each of them, service first. CPU is their sum; memory is kept per member too. */
  members?: Member[];
}

/** One container on a variant's path, and the admin port of its /metrics if it has one. */
export interface Member {
  service: string;
  adminPort?: number;
}

/** The containers doing a variant's work: its members, or its one service. */
export const membersOf = (v: Variant): Member[] => v.members ?? [{ service: v.service, adminPort: v.adminPort }];

export class BenchPod {
  readonly cgroups = new Map<string, ContainerCgroup>();
  private netPid = 0;
  private admin = new Map<number, string>();
  /** What was done to give the pod's cgroup priority on its core. */
  priority = '';
  private loadProcs: string | undefined;

  constructor(
    readonly project: Project,
    readonly cores: { pod: number; load: number },
    readonly ca: string,
  ) {}

  async start(services: string[], adminPorts: number[]): Promise<void> {
    // Health checks are off in a bench pod (a check every second would run on the measured core): the benchmark probes readiness.
    await this.project.up(180, { wait: false });
    this.netPid = (await docker.state(await this.project.id('pod'))).pid;
    try {
      this.priority = raiseParentWeight(this.netPid, 10);
      this.loadProcs = loadCgroup(LOAD_CGROUP, 10);
    } catch (e) {
      this.priority = `not raised (${(e as Error).message})`;
    }
    for (const s of ['pod', ...services]) this.cgroups.set(s, ContainerCgroup.of((await docker.state(await this.project.id(s))).pid));
    for (const p of adminPorts) this.admin.set(p, await this.project.port('pod', p));
  }

  /** Runs a command in the pod's network namespace, pinned to the load generator's core, in its own weighted cgroup. */
  get prefix(): string[] {
    const run = ['nsenter', `--net=/proc/${this.netPid}/ns/net`, 'taskset', '-c', String(this.cores.load)];
    return this.loadProcs ? ['sh', '-c', 'echo $$ > "$0" && exec "$@"', this.loadProcs, ...run] : run;
  }

  target(v: Variant): Target {
    return { host: '127.0.0.1', port: v.port, tls: v.tls, ca: v.tls ? this.ca : undefined, path: '/1k' };
  }

  async loadgen<T>(cmd: 'probe' | 'openloop' | 'handshakes', opts: object): Promise<T> {
    const r = await $`${this.prefix} node ${LOADGEN} ${cmd} ${JSON.stringify(opts)}`.quiet().timeout('120s');
    return JSON.parse(r.stdout.trim().split('\n').pop()!) as T;
  }

  cpu(service: string): number {
    return this.cgroups.get(service)!.cpuSeconds();
  }
  rss(service: string): { rss: number; anon: number } {
    return this.cgroups.get(service)!.rss();
  }
  /** CPU time of every container of the pod so far. */
  podCpu(): number {
    return [...this.cgroups.values()].reduce((a, c) => a + c.cpuSeconds(), 0);
  }
  coreBusy(): number {
    return coreBusySeconds(this.cores.pod);
  }

  /** process_resident_memory_bytes from a sidecar's /metrics (through its published admin port). */
  async metricsRss(adminPort: number): Promise<number> {
    const res = await fetch(`http://${this.admin.get(adminPort)}/metrics`);
    return parseMetrics(await res.text()).get('process_resident_memory_bytes') ?? NaN;
  }

  /** A Bun sidecar's versions: Bun's, as "<name> on Bun", and its TLS library's (the BoringSSL commit Bun is built with). */
  async bunVersions(service: string, name: string): Promise<Record<string, string>> {
    return {
      [`${name} on Bun`]: await this.version(service, ['bun', '--version'], /([\d.]+)/),
      'its TLS library (BoringSSL commit)': await this.version(service, ['bun', '-p', 'process.versions.boringssl'], /([0-9a-f]{7,})/),
    };
  }

  /** A container's program version (docker exec, before any measurement): the first group of `pattern` that matched. */
  async version(service: string, cmd: string[], pattern: RegExp): Promise<string> {
    const r = await $`docker exec ${await this.project.id(service)} ${cmd}`.quiet().nothrow();
    return (
      pattern
        .exec(`${r.stdout}\n${r.stderr}`)
        ?.slice(1)
        .find((g) => g !== undefined) ?? 'unknown'
    );
  }
}
