// Plain docker CLI calls the scenarios need, through zx (quoting is zx's job, never ours).
import { $ } from 'zx';

export interface ContainerState {
  pid: number;
  startedAt: string;
  running: boolean;
  restartCount: number;
  health?: string;
}

export async function state(id: string): Promise<ContainerState> {
  const out = await $`docker inspect --format ${'{{json .State}} {{.RestartCount}}'} ${id}`.quiet();
  const [json, restarts] = [out.stdout.slice(0, out.stdout.lastIndexOf(' ')), out.stdout.slice(out.stdout.lastIndexOf(' ') + 1)];
  const s = JSON.parse(json) as { Pid: number; StartedAt: string; Running: boolean; Health?: { Status: string } };
  return { pid: s.Pid, startedAt: s.StartedAt, running: s.Running, restartCount: Number(restarts), health: s.Health?.Status };
}

/** The environment a container was started with (its image's defaults included), by name. */
export async function env(id: string): Promise<Record<string, string | undefined>> {
  const vars = JSON.parse((await $`docker inspect --format ${'{{json .Config.Env}}'} ${id}`.quiet()).stdout) as string[];
  return Object.fromEntries(vars.map((v) => [v.slice(0, v.indexOf('=')), v.slice(v.indexOf('=') + 1)]));
}

/** Runs a command inside a running container; resolves with its stdout, trimmed. */
export async function exec(id: string, cmd: string[]): Promise<string> {
  return (await $`docker exec ${id} ${cmd}`.quiet()).stdout.trim();
}

/** Starts a command inside a container without waiting for it (`docker exec -d`). Use it for a
 * command that kills the container's main process: an attached exec can hang when that happens. */
export async function execDetached(id: string, cmd: string[]): Promise<void> {
  await $`docker exec -d ${id} ${cmd}`.quiet();
}

/** Sends a signal to a container's main process (docker kill --signal). */
export async function signal(id: string, sig: string): Promise<void> {
  await $`docker kill --signal ${sig} ${id}`.quiet();
}

/** The IP address of a container on its first network. */
export async function ip(id: string): Promise<string> {
  return (await $`docker inspect --format ${'{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}'} ${id}`.quiet()).stdout
    .trim()
    .split(' ')[0]!;
}

/** Networks a container is attached to (a pod member reports its pod's). */
export async function networks(id: string): Promise<string[]> {
  return (await $`docker inspect --format ${'{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}'} ${id}`.quiet()).stdout
    .trim()
    .split(' ')
    .filter(Boolean);
}

export interface DockerEvent {
  /** The engine's status: `start`, `die`, `health_status: healthy`, ... */
  status: string;
  service: string;
  /** Milliseconds since the epoch. */
  time: number;
  /** The container's name. */
  container?: string;
  /** The exit code of a die, the signal of a kill. */
  detail?: string;
}

/** Runs a one-shot container and resolves with its exit code and output; never throws on a non-zero exit. */
export async function runOnce(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const r = await $`docker run --pull never --rm ${args}`.quiet().nothrow();
  return { code: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr };
}
