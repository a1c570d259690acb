// The three ways to make the app pick up a new file (plus none). Each resolves with what happened
// ('ok', or 'skipped' when there was no app process to tell) and throws when telling it failed.
import { constants } from 'node:os';
import { describe } from './etcd.js';
import { catches, describeProc, findProc, stillSame, type Proc } from './procs.js';

export interface Outcome {
  result: 'ok' | 'skipped';
  detail: string;
}
export interface Reloader {
  method: string;
  reload(): Promise<Outcome>;
}

export interface ProcOptions {
  name: string;
  procRoot?: string;
  selfPid?: number;
  kill?: (pid: number, signal: NodeJS.Signals) => void;
  /** Poll step while waiting for a process (ms). */
  stepMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function permission(e: unknown, p: Proc): Error {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'EPERM')
    return new Error(`not allowed to signal ${describeProc(p)}: run the sidecar as the app's user (or give it CAP_KILL)`);
  return e as Error;
}

/** The one app process, or 'skipped' when there is none (a process that starts later reads the new file anyway). */
function lookup(o: ProcOptions): Proc | Outcome {
  const r = findProc(o.name, o);
  if ('none' in r) return { result: 'skipped', detail: `no process named ${o.name}: it will read the new file when it starts` };
  if ('many' in r)
    throw new Error(
      `${r.many.length} processes are named ${o.name} (${r.many.map((p) => p.pid).join(', ')}): refusing to guess; choose a --process name that matches one`,
    );
  return r.found;
}

/** signal: the app re-reads its file on a signal. Sent only once the app has a handler installed
 * (an app still starting would be killed by it) and only to the very process that was looked up. */
export function signalReloader(o: ProcOptions & { signal: NodeJS.Signals; handlerWaitMs?: number }): Reloader {
  const kill = o.kill ?? ((pid, sig) => process.kill(pid, sig));
  const signum = constants.signals[o.signal];
  return {
    method: 'signal',
    async reload() {
      const p = lookup(o);
      if ('result' in p) return p;
      const deadline = Date.now() + (o.handlerWaitMs ?? 3000);
      for (;;) {
        if (!stillSame(p, o.procRoot))
          return { result: 'skipped', detail: `${describeProc(p)} exited before it was signalled: a new one reads the new file` };
        if (catches(p.pid, signum, o.procRoot)) {
          try {
            kill(p.pid, o.signal);
          } catch (e) {
            throw permission(e, p);
          }
          return { result: 'ok', detail: `sent ${o.signal} to ${describeProc(p)}` };
        }
        if (Date.now() >= deadline)
          throw new Error(`${describeProc(p)} does not handle ${o.signal}; not sending it (it would terminate the app)`);
        await sleep(o.stepMs ?? 50);
      }
    },
  };
}

/** restart: for an app that reads its file only at start. SIGTERM, then SIGKILL after the grace
 * period; whatever supervises the app (the container's restart policy) starts it again. */
export function restartReloader(o: ProcOptions & { graceMs: number }): Reloader {
  const kill = o.kill ?? ((pid, sig) => process.kill(pid, sig));
  const gone = async (p: Proc, ms: number) => {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      if (!stillSame(p, o.procRoot)) return true;
      await sleep(o.stepMs ?? 20);
    }
    return !stillSame(p, o.procRoot);
  };
  return {
    method: 'restart',
    async reload() {
      const p = lookup(o);
      if ('result' in p) return p;
      if (!stillSame(p, o.procRoot))
        return { result: 'skipped', detail: `${describeProc(p)} exited on its own: a new one reads the new file` };
      try {
        kill(p.pid, 'SIGTERM');
      } catch (e) {
        throw permission(e, p);
      }
      if (await gone(p, o.graceMs))
        return { result: 'ok', detail: `stopped ${describeProc(p)} with SIGTERM; its supervisor starts it again` };
      if (stillSame(p, o.procRoot)) {
        try {
          kill(p.pid, 'SIGKILL');
        } catch (e) {
          throw permission(e, p);
        }
      }
      if (await gone(p, 2000))
        return { result: 'ok', detail: `stopped ${describeProc(p)} with SIGKILL after ${o.graceMs} ms; its supervisor starts it again` };
      throw new Error(`${describeProc(p)} is still running after SIGTERM and SIGKILL`);
    },
  };
}

/** http: POST to the app's reload endpoint; any 2xx answer means it reloaded. */
export function httpReloader(o: { url: string; timeoutMs: number }): Reloader {
  return {
    method: 'http',
    async reload() {
      let res: Response;
      try {
        res = await fetch(o.url, { method: 'POST', signal: AbortSignal.timeout(o.timeoutMs) });
      } catch (e) {
        throw new Error(`POST ${o.url}: ${describe(e)}`);
      }
      const body = (await res.text()).trim().split('\n')[0]?.slice(0, 200) ?? '';
      if (res.status < 200 || res.status > 299) throw new Error(`POST ${o.url}: HTTP ${res.status} ${body}`);
      return { result: 'ok', detail: `POST ${o.url}: HTTP ${res.status}` };
    },
  };
}

export const noReloader: Reloader = { method: 'none', reload: async () => ({ result: 'ok', detail: 'reload none: the file was written' }) };
