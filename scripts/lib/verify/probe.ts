// The probe: "another container on the same network" for verify's port check. Its image is built here,
// FROM scratch, from the idle program (idle-elf.ts), so nothing is pulled. It holds a network namespace
// on the pod's network; the connections are made from that namespace by this Node (nsenter), so the
// probe needs no tools of its own. Reading and entering namespaces needs the host's /proc and root:
// where either is missing (Docker Desktop, a rootless user) the caller skips the check and says why.
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { $ } from 'zx';
import { VERSION } from '../config.js';
import { chosenPlatform, type Platform } from '../platform.js';
import { proxyBuildArgs } from '../proxy.js';
import { idleElf } from './idle-elf.js';

const run = promisify(execFile);
export const PROBE_IMAGE = `sidecar-lab/verify-probe:${VERSION}`;

/** The platform's architecture as `docker info` and idleElf name it. */
const UNAME: Record<Platform, string> = { 'linux/amd64': 'x86_64', 'linux/arm64': 'aarch64' };
const DOCKER_ARCH: Record<string, string> = { x86_64: 'amd64', aarch64: 'arm64' };

/** Builds the probe image unless this version of it is there, for the platform the images are (SIDECAR_LAB_PLATFORM,
 * or the engine's own). */
export async function probeImage(): Promise<string> {
  const platform = chosenPlatform();
  const arch = platform ? UNAME[platform] : (await $`docker info --format ${'{{.Architecture}}'}`.quiet()).stdout.trim();
  const present = await $`docker image inspect --format ${'{{.Architecture}}'} ${PROBE_IMAGE}`.quiet().nothrow();
  if (present.exitCode === 0 && present.stdout.trim() === (DOCKER_ARCH[arch] ?? arch)) return PROBE_IMAGE;
  const dir = mkdtempSync(join(tmpdir(), 'sl-probe-'));
  try {
    writeFileSync(join(dir, 'idle'), idleElf(arch));
    chmodSync(join(dir, 'idle'), 0o755);
    writeFileSync(
      join(dir, 'Dockerfile'),
      [
        'FROM scratch',
        'COPY idle /idle',
        'LABEL org.opencontainers.image.title="sidecar-lab verify probe" org.opencontainers.image.description="holds a network namespace; does nothing"',
        // It serves nothing, so there is nothing to check: said here rather than left unsaid.
        'HEALTHCHECK NONE',
        'USER 65534:65534',
        'ENTRYPOINT ["/idle"]',
        '',
      ].join('\n'),
    );
    await $`docker build --quiet ${platform ? ['--platform', platform] : []} ${proxyBuildArgs()} --tag ${PROBE_IMAGE} ${dir}`.quiet();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return PROBE_IMAGE;
}

/** Why this host cannot enter container `id`'s namespaces through its main process `pid` (State.Pid), or undefined
 * when it can. The PID must be that container's in this /proc (its cgroup names the container): a runner with a
 * PID namespace of its own may hold an unrelated process under the same number. */
export function namespaceAccess(pid: number, id: string): string | undefined {
  if (process.getuid?.() !== 0) return 'reading and entering container namespaces needs root';
  try {
    readlinkSync(`/proc/${pid}/ns/net`);
    if (readFileSync(`/proc/${pid}/cgroup`, 'utf8').includes(id)) return undefined;
  } catch {
    // no such process here
  }
  return `the engine's processes are not visible in this host's /proc (Docker Desktop, or a remote engine)`;
}

export interface Probe {
  id: string;
  pid: number;
  /** Which of these host:port targets accept a TCP connection from the probe's network namespace. */
  reach(targets: string[]): Promise<Record<string, boolean>>;
}

/** Starts a probe on a network (labelled with the project, so `down` and a leftover sweep find it). */
export async function startProbe(network: string, project: string): Promise<Probe> {
  const image = await probeImage();
  const id = (
    await $`docker run --pull never --detach --network ${network} --label ${`com.docker.compose.project=${project}`} --label sidecar-lab.verify=probe ${image}`.quiet()
  ).stdout.trim();
  const pid = Number((await $`docker inspect --format ${'{{.State.Pid}}'} ${id}`.quiet()).stdout.trim());
  const reachScript = fileURLToPath(new URL('./reach.js', import.meta.url));
  return {
    id,
    pid,
    async reach(targets) {
      const { stdout } = await run('nsenter', [`--net=/proc/${pid}/ns/net`, '--', process.execPath, reachScript, ...targets], {
        timeout: 30_000,
      });
      return JSON.parse(stdout) as Record<string, boolean>;
    },
  };
}

/** Removes a probe; never throws (it runs in teardown). */
export async function stopProbe(probe: Probe | undefined): Promise<void> {
  if (probe) await $`docker rm --force ${probe.id}`.quiet().nothrow();
}
