// What a soak samples of each sidecar, from the host: the resident memory and the open file descriptors of
// the container's main process (/proc/<pid> of the engine's State.Pid, so Linux with a local engine only),
// its restarts, and the error lines it has logged (JSON lines with "level":"error") since it started.
import { readdirSync, readFileSync } from 'node:fs';
import { $ } from 'zx';
import type { Project } from '../compose.js';
import * as docker from '../docker.js';

export interface Sample {
  service: string;
  /** Resident set size, MiB. */
  rss: number;
  fds: number;
  errors: number;
  restarts: number;
}

const rssMiB = (pid: number) => Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? Number.NaN) / 1024;

/** Error lines in a container's log so far (its stdout: the sidecars log JSON lines there). */
async function errorLines(id: string): Promise<number> {
  const out = (await $`docker logs ${id}`.quiet().nothrow()).stdout;
  let n = 0;
  for (const line of out.split('\n')) if (line.includes('"level":"error"')) n++;
  return n;
}

export async function sample(project: Project, services: string[]): Promise<Sample[]> {
  return Promise.all(
    services.map(async (service) => {
      const id = await project.id(service);
      const s = await docker.state(id);
      return {
        service,
        rss: rssMiB(s.pid),
        fds: readdirSync(`/proc/${s.pid}/fd`).length,
        errors: await errorLines(id),
        restarts: s.restartCount,
      };
    }),
  );
}
