// What the lab's tests share: a fake engine (containers as `docker inspect` shows them, an event stream
// the test writes to, kills recorded) and an engine event line.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { ROOT } from '../config.js';
import type { Logger } from '../../../sidecars/lib/log.js';
import type { Engine, Inspect } from '../lab/engine.js';
import { oursBy } from '../lab/ours.js';
import { pageOf } from '../lab/page.js';
import type { LabOptions } from '../lab/server.js';

/** An engine event line as the engine's event stream writes it. */
export const line = (
  project: string,
  service: string,
  action: string,
  t: number,
  extra: Record<string, string> = {},
  id = `${service}0123456789abcdef`,
) =>
  `${JSON.stringify({
    status: action,
    id,
    Type: 'container',
    Action: action,
    Actor: {
      ID: id,
      Attributes: {
        'com.docker.compose.project': project,
        'com.docker.compose.service': service,
        name: `${project}-${service}-1`,
        ...extra,
      },
    },
    time: Math.floor(t / 1000),
    timeNano: t * 1e6,
  })}\n`;

/** A container of a compose project as inspect shows it; `joins` is the id whose namespaces it joins. */
export function container(
  project: string,
  service: string,
  o: {
    pid?: number;
    joins?: string;
    health?: string;
    ports?: Inspect['NetworkSettings']['Ports'];
    labels?: Record<string, string>;
    mounts?: Inspect['Mounts'];
  } = {},
): Inspect {
  return {
    Id: createHash('sha256').update(`${project}/${service}`).digest('hex'),
    Name: `/${project}-${service}-1`,
    Config: {
      Image: `sidecar-lab/${service}:0.1.0`,
      Labels: { 'com.docker.compose.project': project, 'com.docker.compose.service': service, ...o.labels },
    },
    State: {
      Status: o.pid ? 'running' : 'exited',
      Running: Boolean(o.pid),
      Pid: o.pid ?? 0,
      StartedAt: '2026-01-01T00:00:00Z',
      ...(o.health ? { Health: { Status: o.health } } : {}),
    },
    HostConfig: o.joins
      ? { NetworkMode: `container:${o.joins}`, PidMode: `container:${o.joins}` }
      : { NetworkMode: `${project}_default`, PidMode: '' },
    NetworkSettings: { Ports: o.ports ?? {} },
    Mounts: o.mounts ?? [],
  };
}

export interface FakeEngine extends Engine {
  containers: Inspect[];
  streams: PassThrough[];
  killed: { id: string; signal: string }[];
  /** Each restart, stop and start asked of the engine, in order. */
  acted: { id: string; action: 'restart' | 'stop' | 'start' }[];
  /** Each logs() call: the container id, the tail asked for, and the stream the test writes the log to. */
  logged: { id: string; tail: number; since?: number; stream: PassThrough }[];
  /** Containers that list() shows but inspect() no longer finds (gone in between). */
  vanished: Set<string>;
  refuseNext(n: number): void;
}

export function fakeEngine(containers: Inspect[] = []): FakeEngine {
  let refuse = 0;
  const e: FakeEngine = {
    containers,
    streams: [],
    killed: [],
    acted: [],
    logged: [],
    vanished: new Set(),
    refuseNext(n) {
      refuse = n;
    },
    async list() {
      return e.containers.map((c) => ({ Id: c.Id, Names: [c.Name], Labels: c.Config.Labels }));
    },
    async inspect(id) {
      const c = e.containers.find((x) => (x.Id === id || x.Name === `/${id}` || x.Id.startsWith(id)) && !e.vanished.has(x.Id));
      if (!c) throw Object.assign(new Error(`No such container: ${id}`), { status: 404 });
      return c;
    },
    async kill(id, signal) {
      e.killed.push({ id, signal });
    },
    async restart(id) {
      e.acted.push({ id, action: 'restart' });
    },
    async stop(id) {
      e.acted.push({ id, action: 'stop' });
    },
    async start(id) {
      e.acted.push({ id, action: 'start' });
    },
    async exitCode(id) {
      const c = await e.inspect(id);
      return c.State.ExitCode ?? 0;
    },
    async logs(id, tail, since) {
      const stream = new PassThrough();
      e.logged.push({ id, tail, since, stream });
      return stream;
    },
    async events() {
      if (refuse > 0) {
        refuse--;
        throw Object.assign(new Error('connect ECONNREFUSED /var/run/docker.sock'), { code: 'ECONNREFUSED' });
      }
      const s = new PassThrough();
      e.streams.push(s);
      return s;
    },
  };
  return e;
}

/** One frame of the engine's multiplexed log stream (1: stdout, 2: stderr). */
export function frame(stream: 1 | 2, text: string | Buffer): Buffer {
  const body = Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8');
  const head = Buffer.alloc(8);
  head[0] = stream;
  head.writeUInt32BE(body.length, 4);
  return Buffer.concat([head, body]);
}

/** The labels `npm run gen` writes into a sidecar's image.yaml: what its built image carries. */
export const imageLabels = (sidecar: string): Record<string, string> =>
  Object.fromEntries(
    [...readFileSync(join(ROOT, 'sidecars', sidecar, 'image.yaml'), 'utf8').matchAll(/^\s+(io\.sidecar-lab\.[\w.-]+): (".*")$/gm)].map(
      (m) => [m[1]!, JSON.parse(m[2]!) as string],
    ),
  );

/** A lab under test: the fake engine, the runner's projects as ours, no roles, a page of one line. */
export const labOptions = (engine: Engine, token: string, log: Logger): LabOptions => ({
  engine,
  ours: oursBy([]),
  roles: async () => () => ({ role: null, pattern: null }),
  page: pageOf('document.title="lab"', 'body{margin:0}'),
  token,
  log,
  retryMs: 10,
});
