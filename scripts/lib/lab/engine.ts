// The Docker engine, read over its Unix socket with node:http: one long-lived request for the event
// stream and short ones for the container list, inspect and kill. No child process per refresh (the lab
// runs for hours beside the stacks it shows), and an engine that stops ends the stream cleanly.
import { request } from 'node:http';
import type { Readable } from 'node:stream';

/** What the lab asks of the engine. Tests give the server a fake one. */
export interface Engine {
  /** Containers (running or not) that carry a Compose project label. */
  list(): Promise<Summary[]>;
  inspect(id: string): Promise<Inspect>;
  kill(id: string, signal: string): Promise<void>;
  /** docker restart, stop and start: each resolves when the engine has done it. */
  restart(id: string): Promise<void>;
  stop(id: string): Promise<void>;
  start(id: string): Promise<void>;
  /** Resolves with the exit code once the container is not running (at once if it is not); rejects after withinMs. */
  exitCode(id: string, withinMs: number): Promise<number>;
  /** The container event stream, one JSON object a line; ends or errors when the engine goes away. */
  events(): Promise<Readable>;
  /** A container's log, its last `tail` lines (since `since`, in seconds, when given) then as it comes
   * (framed unless the container has a TTY). */
  logs(id: string, tail: number, since?: number): Promise<Readable>;
}

export interface Summary {
  Id: string;
  Names: string[];
  Labels: Record<string, string>;
}

/** The part of `docker inspect` the lab reads. */
export interface Inspect {
  Id: string;
  Name: string;
  Config: { Image: string; Labels: Record<string, string>; Tty?: boolean; Env?: string[] | null; Cmd?: string[] | null };
  State: { Status: string; Running: boolean; Pid: number; StartedAt: string; ExitCode?: number; Health?: { Status: string } };
  RestartCount?: number;
  HostConfig: { NetworkMode?: string; PidMode?: string; RestartPolicy?: { Name?: string; MaximumRetryCount?: number } };
  NetworkSettings: {
    Ports?: Record<string, { HostIp: string; HostPort: string }[] | null> | null;
    Networks?: Record<string, { IPAddress?: string }> | null;
  };
  Mounts?: { Type: string; Name?: string; Source: string; Destination: string; RW: boolean }[];
}

/** Only the fields the lab reads, from the engine's whole answer (which also carries the last health check
 * outputs, the graph driver, the image's config…): what the lab keeps of a container is small. */
export function trimInspect(c: Inspect): Inspect {
  const { State: s, Config: k, NetworkSettings: n } = c;
  return {
    Id: c.Id,
    Name: c.Name,
    Config: { Image: k.Image, Labels: k.Labels, Tty: k.Tty, Env: k.Env, Cmd: k.Cmd },
    State: {
      Status: s.Status,
      Running: s.Running,
      Pid: s.Pid,
      StartedAt: s.StartedAt,
      ExitCode: s.ExitCode,
      ...(s.Health ? { Health: { Status: s.Health.Status } } : {}),
    },
    RestartCount: c.RestartCount,
    HostConfig: { NetworkMode: c.HostConfig.NetworkMode, PidMode: c.HostConfig.PidMode, RestartPolicy: c.HostConfig.RestartPolicy },
    NetworkSettings: {
      Ports: n.Ports,
      Networks: n.Networks && Object.fromEntries(Object.entries(n.Networks).map(([name, v]) => [name, { IPAddress: v.IPAddress }])),
    },
    Mounts: c.Mounts?.map((m) => ({ Type: m.Type, Name: m.Name, Source: m.Source, Destination: m.Destination, RW: m.RW })),
  };
}

export class EngineError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The socket DOCKER_HOST names (unix:// only), else the default one. */
export function socketPath(env = process.env): string {
  const host = env.DOCKER_HOST;
  return host?.startsWith('unix://') ? host.slice('unix://'.length) : '/var/run/docker.sock';
}

const EVENTS = ['create', 'start', 'restart', 'health_status', 'kill', 'die', 'stop', 'destroy', 'oom', 'pause', 'unpause'];

export function socketEngine(path = socketPath(), timeoutMs = 5000): Engine {
  const call = (method: string, url: string, stream = false, within = timeoutMs) =>
    new Promise<Readable>((resolve, reject) => {
      const req = request({ socketPath: path, method, path: url, headers: { host: 'docker' }, timeout: stream ? 0 : within }, (res) => {
        if ((res.statusCode ?? 500) < 300) return resolve(res);
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text = (text + c).slice(0, 500)));
        res.on('end', () => reject(new EngineError(res.statusCode ?? 500, text.trim() || `engine answered ${res.statusCode}`)));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`engine did not answer ${method} ${url.split('?')[0]} within ${within} ms`)));
      req.on('error', reject);
      req.end();
    });
  const json = async <T>(url: string, method = 'GET', within = timeoutMs): Promise<T> => {
    const res = await call(method, url, false, within);
    const chunks: Buffer[] = [];
    for await (const c of res) chunks.push(c as Buffer);
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as T;
  };
  return {
    list: () =>
      json<Summary[]>(`/containers/json?all=1&filters=${encodeURIComponent(JSON.stringify({ label: ['com.docker.compose.project'] }))}`),
    inspect: async (id) => trimInspect(await json<Inspect>(`/containers/${encodeURIComponent(id)}/json`)),
    async kill(id, signal) {
      (await call('POST', `/containers/${encodeURIComponent(id)}/kill?signal=${encodeURIComponent(signal)}`)).resume();
    },
    // A stop waits for the container's grace period (10 s unless it says otherwise) before the engine answers.
    async restart(id) {
      (await call('POST', `/containers/${encodeURIComponent(id)}/restart`, false, 60_000)).resume();
    },
    async stop(id) {
      (await call('POST', `/containers/${encodeURIComponent(id)}/stop`, false, 60_000)).resume();
    },
    async start(id) {
      (await call('POST', `/containers/${encodeURIComponent(id)}/start`, false, 60_000)).resume();
    },
    exitCode: async (id, withinMs) =>
      (await json<{ StatusCode: number }>(`/containers/${encodeURIComponent(id)}/wait?condition=not-running`, 'POST', withinMs)).StatusCode,
    logs: (id, tail, since) =>
      call(
        'GET',
        `/containers/${encodeURIComponent(id)}/logs?follow=1&stdout=1&stderr=1&timestamps=1&tail=${tail}${since ? `&since=${since}` : ''}`,
        true,
      ),
    events: () => {
      const filters = { type: ['container'], event: EVENTS, label: ['com.docker.compose.project'] };
      return call('GET', `/events?filters=${encodeURIComponent(JSON.stringify(filters))}`, true);
    },
  };
}
