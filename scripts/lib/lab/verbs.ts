// The stack runner's verbs, run by the lab in a child process (`stack.js <stack> <verb> …`), so the lab holds
// no check or lifecycle logic: POST /api/checks (`check --project P --json`: each check's result is one JSON
// line on stdout as it ends), POST /api/up (`up --json`: the run's endpoints, one JSON object) and
// POST /api/down (`down --project P`). What the verb prints streams to the page as NDJSON. One verb at a time:
// two would meet in the same pods or race for the machine. A viewer that leaves does not stop the verb (a
// check that destroys must be allowed to restore the stack, an up to finish); its output is dropped.
import { spawn } from 'node:child_process';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { HttpError } from '../../../sidecars/lib/http.js';
import { DIST, ROOT } from '../config.js';
import { RUN_NAME } from '../recordings.js';
import { stackOf } from './ours.js';

/** The check verb, as the lab runs it: node and the built stack runner. */
export const STACK_CLI = [process.execPath, join(DIST, 'scripts', 'stack.js')];
/** A run that outlasts this is killed (every check has deadlines of its own; this bounds the whole). */
const RUN_DEADLINE_MS = 20 * 60_000;
/** A longer line is cut there (a result carries what a check EXPECTED and RECEIVED). */
const MAX_LINE = 64 * 1024;

export interface ChecksRequest {
  project: string;
  stack: string;
  /** --only, as the check verb takes it. */
  only?: string;
  /** --all: also the checks that stop, kill or restart containers, or start more. */
  confirm: boolean;
}

/** The request's body as a run of checks; throws a 400 for anything else. */
export function checksRequest(body: Record<string, unknown>): ChecksRequest {
  const { project, only, confirm = false } = body;
  if (typeof project !== 'string' || !RUN_NAME.test(project))
    throw new HttpError(400, 'project: a stack run’s project, sl-<stack>-<6 hex digits>, is required');
  if (only !== undefined && (typeof only !== 'string' || !/^\d{1,3}(,\d{1,3}){0,63}$/.test(only)))
    throw new HttpError(400, 'only: check numbers separated by commas (e.g. "1,8")');
  if (typeof confirm !== 'boolean') throw new HttpError(400, 'confirm: true or false');
  return { project, stack: stackOf(project), ...(only === undefined ? {} : { only }), confirm };
}

/** The check verb's arguments for a request. */
export const checkArgs = (r: ChecksRequest): string[] => [
  r.stack,
  'check',
  '--project',
  r.project,
  '--json',
  ...(r.only ? ['--only', r.only] : []),
  ...(r.confirm ? ['--all'] : []),
];

/** The hello of a run of checks: what runs. */
export const checksHello = (r: ChecksRequest) => ({
  project: r.project,
  stack: r.stack,
  confirm: r.confirm,
  ...(r.only ? { only: r.only } : {}),
});

export class StackVerbs {
  /** What runs now, in words (`the checks of sl-https-0a0b0c`). */
  running?: string;

  constructor(private readonly command: string[] = STACK_CLI) {}

  /** Starts the verb and streams it to `res`; another while one runs gets 409. */
  serve(what: string, args: string[], hello: Record<string, unknown>, res: ServerResponse, headers: Record<string, string>): void {
    if (this.running) throw new HttpError(409, `busy: ${this.running} (one stack verb at a time)`);
    this.running = what;
    const [cmd, ...pre] = this.command;
    const child = spawn(cmd!, [...pre, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let open = true;
    const send = (m: Record<string, unknown>) => {
      if (open && !res.writableEnded) res.write(`${JSON.stringify(m)}\n`);
    };
    res.writeHead(200, { ...headers, 'content-type': 'application/x-ndjson; charset=utf-8', 'x-accel-buffering': 'no' });
    send({ type: 'hello', ...hello });
    lines(child.stdout!, (text) => {
      const m = parseResult(text);
      send(m ?? { type: 'line', text });
    });
    lines(child.stderr!, (text) => send({ type: 'line', text }));
    const deadline = setTimeout(() => child.kill('SIGKILL'), RUN_DEADLINE_MS);
    deadline.unref();
    res.once('close', () => {
      open = false;
    });
    let ended = false;
    const end = (code: number | null, signal: NodeJS.Signals | null) => {
      if (ended) return;
      ended = true;
      clearTimeout(deadline);
      this.running = undefined;
      send({ type: 'end', code, ...(signal ? { signal } : {}) });
      if (open) res.end();
    };
    // A runner that cannot start ends the run too (with or without a close after the error).
    child.once('error', (e) => {
      send({ type: 'line', text: `the stack runner could not start: ${e.message}` });
      end(null, null);
    });
    child.once('close', end);
  }
}

/** A line of the verb's stdout as the message the page gets: a check's result as it is, another JSON object
 * (up's endpoints) as `{type: "result", value}`, or undefined for a line of text. */
export function parseResult(text: string): Record<string, unknown> | undefined {
  try {
    const m = JSON.parse(text) as unknown;
    if (typeof m !== 'object' || m === null || Array.isArray(m)) return undefined;
    return (m as { type?: unknown }).type === 'check' ? (m as Record<string, unknown>) : { type: 'result', value: m };
  } catch {
    return undefined; // not JSON: a line of text
  }
}

/** Calls fn with each line of a stream (a line longer than MAX_LINE is cut there). */
function lines(stream: NodeJS.ReadableStream, fn: (line: string) => void): void {
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop() ?? '';
    if (rest.length > MAX_LINE) rest = rest.slice(0, MAX_LINE);
    for (const l of parts) if (l.trim()) fn(l.slice(0, MAX_LINE));
  });
  stream.on('end', () => rest.trim() && fn(rest));
}
