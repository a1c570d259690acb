// Open-loop load at a fixed rate (what wrk2 does; Debian has no wrk2): request i is due at
// start + i/rate on connection i mod conns, whether or not earlier answers came back. Latency is
// measured from the time a request was DUE, so a stall of the server is charged to every request
// that waited behind it (no coordinated omission). A busy connection queues its due requests.
import type { Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { open, type Target } from './connect.js';
import { getRequest, ResponseReader } from './http-wire.js';
import { quantile } from './stats.js';

export interface OpenLoopOptions {
  rate: number;
  conns: number;
  warmupMs: number;
  durationMs: number;
}

export interface OpenLoopResult {
  rate: number;
  conns: number;
  sent: number;
  measured: number;
  errors: number;
  unanswered: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
  /** How late the generator itself sent requests (its own scheduling jitter), p99 in ms. */
  sendLagP99Ms: number;
}

interface Conn {
  socket: Socket;
  reader: ResponseReader;
  queue: number[];
  inFlight: number | undefined;
}

export async function openLoop(t: Target, o: OpenLoopOptions): Promise<OpenLoopResult> {
  const req = getRequest(t.path);
  const conns: Conn[] = await Promise.all(
    Array.from({ length: o.conns }, async () => ({ socket: await open(t), reader: new ResponseReader(), queue: [], inFlight: undefined })),
  );
  const interval = 1e9 / o.rate;
  const total = Math.round(((o.warmupMs + o.durationMs) / 1000) * o.rate);
  const warmup = Math.round((o.warmupMs / 1000) * o.rate);
  const latencies = new Float64Array(total - warmup);
  const lags = new Float64Array(total);
  let measured = 0,
    bad = 0,
    lost = 0,
    answered = 0,
    sent = 0;
  const now = () => Number(process.hrtime.bigint());
  const start = now() + 5e6;
  const due = (i: number) => start + i * interval;

  const send = (c: Conn) => {
    const i = c.queue.shift()!;
    c.inFlight = i;
    lags[i] = (now() - due(i)) / 1e6;
    c.socket.write(req);
  };
  let finish: () => void = () => {};
  const finished = new Promise<void>((r) => {
    finish = r;
  });
  for (const c of conns) {
    c.socket.on('data', (chunk: Buffer) => {
      let r: ReturnType<typeof c.reader.push>;
      try {
        r = c.reader.push(chunk);
      } catch {
        c.socket.destroy();
        return;
      }
      if (!r) return;
      const i = c.inFlight!;
      c.inFlight = undefined;
      answered++;
      if (r.status !== 200) bad++;
      else if (i >= warmup) latencies[measured++] = (now() - due(i)) / 1e6;
      if (c.queue.length) send(c);
      if (answered + lost >= total) finish();
    });
    c.socket.on('error', () => {});
    c.socket.on('close', () => {
      // A connection that dies loses what it had queued, and what is sent to it later.
      lost += c.queue.length + (c.inFlight === undefined ? 0 : 1);
      c.queue = [];
      c.inFlight = undefined;
      if (answered + lost >= total) finish();
    });
  }

  await new Promise<void>((resolve) => {
    const tick = () => {
      const t = now();
      while (sent < total && due(sent) <= t) {
        const c = conns[sent % o.conns]!;
        c.queue.push(sent++);
        if (c.socket.destroyed) {
          c.queue.pop();
          lost++;
        } else if (c.inFlight === undefined) send(c);
      }
      if (sent >= total) return resolve();
      // Sleep on a timer while the next request is far off; spin on setImmediate near it (timers are ~1 ms coarse).
      const wait = (due(sent) - t) / 1e6;
      // (Spinning keeps the generator's own lag lowest: measured, sleeping 1 ms ticks had several times its p99.)
      if (wait > 2) setTimeout(tick, wait - 1.5);
      else setImmediate(tick);
    };
    tick();
  });
  // Late answers still count (that is the point of measuring from the due time), up to 5 s past the last send.
  await Promise.race([finished, delay(5000)]);
  for (const c of conns) c.socket.destroy();
  const lat = latencies.subarray(0, measured).sort();
  const lagSorted = lags.sort();
  return {
    rate: o.rate,
    conns: o.conns,
    sent,
    measured,
    errors: bad + lost,
    unanswered: total - answered - lost,
    p50Ms: quantile(lat, 0.5),
    p90Ms: quantile(lat, 0.9),
    p99Ms: quantile(lat, 0.99),
    p999Ms: quantile(lat, 0.999),
    maxMs: quantile(lat, 1),
    sendLagP99Ms: quantile(lagSorted, 0.99),
  };
}
