// The lab's HTTP server: one page and a small JSON API, on 127.0.0.1 only, behind the token, the Host
// check and the headers of guard.ts. It serves through sidecars/lib/http.ts, so a request head must be
// complete within headMs whatever trickles in, and no request can take it down.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger, type Logger } from '../../../sidecars/lib/log.js';
import { HttpError, serve } from '../../../sidecars/lib/http.js';
import { VERSION } from '../config.js';
import { lesson, lessons } from './lessons.js';
import { KEEP_RUNS, listRecordings, readRecording, RUN_NAME, RUNS_DIR } from '../recordings.js';
import { actions, type Answer, CONTAINER, JSON_TYPE, json } from './actions.js';
import type { Engine } from './engine.js';
import { admit, securityHeaders } from './guard.js';
import { Hub } from './hub.js';
import { serveLive, serveLogs } from './live.js';
import { PROJECT_LABEL } from './ours.js';
import { type Page, withPods } from './page.js';
import { pictureOfStacks } from './picture.js';
import { processesOf } from './pod-processes.js';
import type { Roles } from './roles.js';
import { trafficOf } from './traffic.js';
import { StackVerbs } from './verbs.js';

/** How long a read of the pods serves viewers, when no event comes, before the next read starts beside it (ms). */
const STACKS_TTL_MS = 2000;

export interface LabOptions {
  engine: Engine;
  ours: (project: string | undefined) => boolean;
  roles: Roles;
  page: Page;
  token: string;
  /** Live viewers of /api/events at once; the next gets 503. */
  maxClients?: number;
  /** A request head must be complete within this (ms). */
  headMs?: number;
  pingMs?: number;
  procRoot?: string;
  /** Where the runner keeps its recordings of runs (.state/runs/). */
  runsDir?: string;
  /** Signals a container's main process by host PID (a crash, so its restart policy applies); see crash.ts. */
  killPid?: (pid: number, signal: NodeJS.Signals) => void;
  /** The stack runner's command line before its arguments (node and the built stack.js; tests give a fake). */
  checkCommand?: string[];
  /** The deadline of one call to an attached topz (ms). */
  topzDeadlineMs?: number;
  log?: Logger;
  retryMs?: number;
}

export interface Lab {
  server: Server;
  hub: Hub;
  /** Set once the server listens: the port the Host check accepts. */
  port: number;
  close(): Promise<void>;
}

export function createLab(o: LabOptions): Lab {
  const log = o.log ?? createLogger('lab', 'info', (l) => process.stderr.write(l));
  const hub = new Hub(() => o.engine.events(), o.ours, { retryMs: o.retryMs });
  const headers = securityHeaders(o.page.scriptHash, o.page.styleHash);
  const lab: Lab = { server: undefined as unknown as Server, hub, port: 0, close: async () => undefined };
  const maxClients = o.maxClients ?? 16;

  const stacks = pictureOfStacks({ engine: o.engine, hub, ours: o.ours, roles: o.roles, procRoot: o.procRoot, ttlMs: STACKS_TTL_MS });

  /** The container, when it is one of ours. Never 404: one that does not exist is refused like a foreign one. */
  async function ourContainer(nameOrId: string) {
    const target = CONTAINER.test(nameOrId) ? await o.engine.inspect(nameOrId).catch(() => undefined) : undefined;
    if (!target || !o.ours(target.Config.Labels?.[PROJECT_LABEL]))
      throw new HttpError(403, 'forbidden: the lab acts only on containers of its own projects');
    return target;
  }

  let logViewers = 0;
  function admitLive() {
    if (hub.clients + logViewers >= maxClients)
      throw new HttpError(503, `too many live viewers (the limit is ${maxClients})`, { 'retry-after': '5' });
  }

  async function logs(req: IncomingMessage, res: ServerResponse, url: URL) {
    admitLive();
    const target = await ourContainer(url.searchParams.get('container') ?? '');
    const tail = Math.min(Math.max(Number(url.searchParams.get('tail') ?? 200) || 0, 0), 1000);
    const since = Number(url.searchParams.get('since') ?? 0);
    const source = await o.engine.logs(target.Id, tail, Number.isSafeInteger(since) && since > 0 ? since : undefined);
    logViewers++;
    res.once('close', () => logViewers--);
    serveLogs(source, Boolean(target.Config.Tty), req, res, headers);
  }

  const act = actions({ ...o, hub, ourContainer, verbs: new StackVerbs(o.checkCommand), headers, log });

  /** GET /api/runs/<project>, routed on the path as the client wrote it, so `..` is a bad name (400), never a path. */
  function recording(req: IncomingMessage, raw: string): Answer {
    if (req.method !== 'GET') throw new HttpError(405, 'method not allowed');
    const name = raw.slice('/api/runs/'.length).split('?')[0]!;
    if (!RUN_NAME.test(name)) throw new HttpError(400, 'a run is named sl-<stack>-<6 hex digits>');
    const rec = readRecording(name, o.runsDir ?? RUNS_DIR);
    if (!rec) throw new HttpError(404, `no recording of ${name}: the last ${KEEP_RUNS} runs are kept`);
    return json(rec);
  }

  lab.server = serve(
    async (req, res, target) => {
      for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
      if (target.form !== 'origin') throw new HttpError(403, 'forbidden: origin-form request targets only');
      const url = target.url;
      // The token never reaches a log line: the URL the guard may log loses its query.
      req.url = url.pathname;
      admit(req, url, lab.port, o.token);
      const route = `${req.method} ${url.pathname}`;
      let answer: Answer;
      if (route === 'GET /') {
        answer = { status: 200, body: withPods(o.page, stacks.now()), type: 'text/html; charset=utf-8' };
      } else if (route === 'GET /api/stacks') answer = { status: 200, body: await stacks(url.searchParams.has('fresh')), type: JSON_TYPE };
      else if (target.path.startsWith('/api/runs/')) answer = recording(req, target.path);
      else if (route === 'GET /api/runs') answer = json({ keep: KEEP_RUNS, runs: listRecordings(o.runsDir ?? RUNS_DIR) });
      else if (route === 'GET /api/timeline') answer = json({ engine: hub.state, events: hub.history() });
      else if (route === 'GET /api/events') {
        admitLive();
        serveLive(hub, req, res, { pingMs: o.pingMs ?? 15_000, headers, hello: { version: VERSION } });
        return;
      } else if (route === 'GET /api/logs') {
        await logs(req, res, url);
        return;
      } else if (route === 'GET /api/processes') {
        const target = await ourContainer(url.searchParams.get('container') ?? '');
        answer = json(await processesOf(o.engine, target, { procRoot: o.procRoot, topzDeadlineMs: o.topzDeadlineMs }));
      } else if (route === 'GET /api/traffic') {
        const project = url.searchParams.get('project') ?? '';
        if (!o.ours(project)) throw new HttpError(403, 'forbidden: the lab reads only its own projects');
        answer = json(await trafficOf(o.engine, project, o.topzDeadlineMs));
      } else if (route === 'POST /api/kill') answer = await act.kill(req);
      else if (route === 'POST /api/chaos') answer = await act.chaos(req);
      else if (route === 'POST /api/checks' || route === 'POST /api/up' || route === 'POST /api/down') {
        const refused = await act[route === 'POST /api/checks' ? 'checks' : route === 'POST /api/up' ? 'up' : 'down'](req, res);
        if (!refused) return;
        answer = refused;
      } else if (route === 'GET /api/lessons') answer = json({ lessons: lessons() });
      else if (url.pathname.startsWith('/api/lessons/') && req.method === 'GET')
        answer = json(lesson(url.pathname.slice('/api/lessons/'.length)));
      else if (
        [
          '/',
          '/api/stacks',
          '/api/timeline',
          '/api/events',
          '/api/logs',
          '/api/processes',
          '/api/kill',
          '/api/chaos',
          '/api/checks',
          '/api/runs',
        ].includes(url.pathname)
      )
        throw new HttpError(405, 'method not allowed');
      else throw new HttpError(404, 'not found: see docs/lab.md for the endpoints');
      res.writeHead(answer.status, { 'content-type': answer.type }).end(answer.body);
    },
    { log, requestTimeoutMs: 10_000, headersTimeoutMs: o.headMs ?? 10_000 },
  );
  lab.close = async () => {
    hub.stop();
    await new Promise<void>((resolve) => {
      lab.server.close(() => resolve());
      lab.server.closeAllConnections();
    });
  };
  return lab;
}

/** Listens on 127.0.0.1 (never anything else), then opens the engine's event stream. Rejects on a port in use. */
export async function listenLab(lab: Lab, port: number): Promise<number> {
  // A listen failure is the caller's to say, in one line: the server's error logger waits until it listens.
  const loggers = lab.server.listeners('error') as ((e: Error) => void)[];
  lab.server.removeAllListeners('error');
  try {
    await new Promise<void>((resolve, reject) => {
      lab.server.once('error', reject);
      lab.server.listen(port, '127.0.0.1', () => {
        lab.server.off('error', reject);
        resolve();
      });
    });
  } finally {
    for (const l of loggers) lab.server.on('error', l);
  }
  lab.port = (lab.server.address() as AddressInfo).port;
  lab.hub.start();
  return lab.port;
}
