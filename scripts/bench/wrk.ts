// Maximum throughput with keep-alive: Debian's wrk (closed loop), one thread, pinned to the load core.
import { $ } from 'zx';

export interface WrkResult {
  requests: number;
  seconds: number;
  perSecond: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
}

const ms = (v: string, unit: string) => Number(v) * ({ us: 1e-3, ms: 1, s: 1e3 } as Record<string, number>)[unit]!;

export function parseWrk(out: string): WrkResult {
  const done = /(\d+) requests in ([\d.]+)(ms|s|m)\b/.exec(out);
  if (!done) throw new Error(`no result in wrk's output:\n${out}`);
  const seconds = Number(done[2]) * ({ ms: 1e-3, s: 1, m: 60 } as Record<string, number>)[done[3]!]!;
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  const pct = (p: string) => {
    const m = new RegExp(`\\s${p}%\\s+([\\d.]+)(us|ms|s)`).exec(out);
    return m ? ms(m[1]!, m[2]!) : NaN;
  };
  return {
    requests: Number(done[1]),
    seconds,
    perSecond: Number(done[1]) / seconds,
    errors: non2xx + (sock ? sock.slice(1).reduce((a, b) => a + Number(b), 0) : 0),
    p50Ms: pct('50'),
    p99Ms: pct('99'),
  };
}

/** Runs wrk through `prefix` (nsenter into the pod's network namespace + taskset). */
export async function wrk(prefix: string[], url: string, o: { conns: number; seconds: number }): Promise<WrkResult> {
  const r = await $`${prefix} wrk -t1 -c${o.conns} -d${o.seconds}s --latency ${url}`.quiet().timeout(`${o.seconds + 30}s`);
  return parseWrk(r.stdout);
}

export async function wrkVersion(): Promise<string | undefined> {
  const r = await $`wrk -v`.quiet().nothrow();
  return /wrk\s+([\w.-]+)/.exec(r.stdout + r.stderr)?.[1];
}
