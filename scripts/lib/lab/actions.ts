// The lab's actions, POST only, each with a JSON body of at most 64 KiB: /api/kill (a signal to one of our
// containers), /api/chaos (a lesson's chaos step), /api/checks (a stack's checks against its running
// project, streamed), /api/up (a lesson's stack brought up, streamed) and /api/down (a run taken down). Each is refused with 403 for a container or project outside ours, as for one that does
// not exist. Past the body's last byte every refusal is answered here, not thrown: the shared guard takes a
// request whose body was read (Node then marks it destroyed) for a client that went away.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError, readBody } from '../../../sidecars/lib/http.js';
import type { Logger } from '../../../sidecars/lib/log.js';
import { act, actionEvent, chaosOf } from './chaos.js';
import { stackNames } from '../scenarios.js';
import { RUN_NAME } from '../recordings.js';
import { checkArgs, checksHello, checksRequest, type StackVerbs } from './verbs.js';
import { type Signaller, signalContainer, startAsPolicyWould } from './crash.js';
import type { Engine, Inspect } from './engine.js';
import type { Hub } from './hub.js';
import { PROJECT_LABEL, stackOf } from './ours.js';

export const MAX_BODY = 64 * 1024;
const SIGNALS = new Set(['SIGKILL', 'SIGTERM', 'SIGINT', 'SIGHUP']);
export const CONTAINER = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/;

export interface Answer {
  status: number;
  /** A Buffer when one serialized answer serves many requests (the pods picture). */
  body: string | Buffer;
  type: string;
}

export const JSON_TYPE = 'application/json; charset=utf-8';
export const json = (body: unknown, status = 200): Answer => ({ status, body: JSON.stringify(body), type: JSON_TYPE });
export const plain = (status: number, text: string): Answer => ({ status, body: `${text}\n`, type: 'text/plain; charset=utf-8' });

export interface ActionsOptions extends Signaller {
  engine: Engine;
  hub: Hub;
  ours: (project: string | undefined) => boolean;
  /** The container, when it is one of ours; a 403 otherwise. */
  ourContainer: (nameOrId: string) => Promise<Inspect>;
  verbs: StackVerbs;
  headers: Record<string, string>;
  log: Logger;
}

type Body = Record<string, unknown>;

export function actions(o: ActionsOptions) {
  /** Reads the body and hands it to fn; an answer of undefined means fn answered itself (a stream). */
  async function post<T extends Answer | undefined>(req: IncomingMessage, fn: (body: Body) => Promise<T>): Promise<Answer | T> {
    if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) throw new HttpError(415, 'the body must be application/json');
    const text = (await readBody(req, MAX_BODY)).toString('utf8');
    try {
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        throw new HttpError(400, 'malformed JSON');
      }
      return await fn(typeof body === 'object' && body !== null ? (body as Body) : {});
    } catch (e) {
      if (!(e instanceof HttpError)) o.log.error('action failed', { err: e });
      return e instanceof HttpError ? plain(e.status, e.message) : plain(500, 'internal error');
    }
  }

  const containerOf = (body: Body) => {
    const { container } = body;
    if (typeof container !== 'string' || !CONTAINER.test(container))
      throw new HttpError(400, 'container: a container name or id is required');
    return container;
  };

  /** Records an action on the timeline, at the time it began. */
  const mark = (target: Inspect, detail: string, at: number) => {
    o.hub.mark(actionEvent(target, detail, at));
    o.log.info('lab action', { container: target.Name.replace(/^\//, ''), detail });
  };

  async function kill(body: Body): Promise<Answer> {
    const container = containerOf(body);
    const { signal = 'SIGKILL' } = body;
    if (typeof signal !== 'string' || !SIGNALS.has(signal)) throw new HttpError(400, `signal: one of ${[...SIGNALS].join(', ')}`);
    const target = await o.ourContainer(container);
    const at = Date.now();
    const via = await signalContainer(o.engine, target, signal as NodeJS.Signals, o);
    mark(target, `kill ${signal} (${via})`, at);
    if (via === 'engine') restartLater(target);
    return json({ killed: target.Name.replace(/^\//, ''), signal, via }, 202);
  }

  /** A kill the engine sent counts as a stop to its restart policy: the lab makes the start the policy would. */
  const restartLater = (target: Inspect) =>
    void startAsPolicyWould(o.engine, target, (detail) => mark(target, detail, Date.now())).then((outcome) =>
      o.log.info('after a kill the engine sent', { container: target.Name.replace(/^\//, ''), outcome }),
    );

  async function chaos(body: Body): Promise<Answer> {
    const container = containerOf(body);
    const action = chaosOf(body.action);
    const target = await o.ourContainer(container);
    const at = Date.now();
    const { detail, via } = await act(o.engine, target, action, o);
    mark(target, detail, at);
    if (via === 'engine') restartLater(target);
    return json({ container: target.Name.replace(/^\//, ''), action, detail }, 202);
  }

  async function checks(body: Body, res: ServerResponse): Promise<undefined> {
    const r = checksRequest(body);
    const up = o.ours(r.project) && (await o.engine.list()).some((c) => c.Labels?.[PROJECT_LABEL] === r.project);
    if (!up) throw new HttpError(403, 'forbidden: the lab runs checks only on a running project of its own');
    o.verbs.serve(`the checks of ${r.project}`, checkArgs(r), checksHello(r), res, o.headers);
    return undefined;
  }

  async function up(body: Body, res: ServerResponse): Promise<undefined> {
    const { stack } = body;
    if (typeof stack !== 'string' || !stackNames().includes(stack)) throw new HttpError(400, `stack: one of ${stackNames().join(', ')}`);
    o.verbs.serve(`up ${stack}`, [stack, 'up', '--json'], { stack }, res, o.headers);
    return undefined;
  }

  async function down(body: Body, res: ServerResponse): Promise<undefined> {
    const { project } = body;
    if (typeof project !== 'string' || !RUN_NAME.test(project))
      throw new HttpError(400, 'project: a stack run’s project, sl-<stack>-<6 hex digits>');
    if (!o.ours(project)) throw new HttpError(403, 'forbidden: the lab takes down only its own projects');
    o.verbs.serve(`down ${project}`, [stackOf(project), 'down', '--project', project], { project }, res, o.headers);
    return undefined;
  }

  return {
    kill: (req: IncomingMessage) => post(req, kill),
    chaos: (req: IncomingMessage) => post(req, chaos),
    checks: (req: IncomingMessage, res: ServerResponse) => post(req, (b) => checks(b, res)),
    up: (req: IncomingMessage, res: ServerResponse) => post(req, (b) => up(b, res)),
    down: (req: IncomingMessage, res: ServerResponse) => post(req, (b) => down(b, res)),
  };
}
