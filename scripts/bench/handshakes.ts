// New TLS connections without keep-alive, closed loop: `conns` clients each connect, send one
// GET with Connection: close, read the answer, and connect again. Every handshake is a full one:
// no session is offered (Node's client resumes only when given a session); reused ones are counted
// to prove it. (wrk with Connection: close resumes some sessions and not others, so it is not used here.)
import { open, type Target } from './connect.js';
import { getRequest, ResponseReader } from './http-wire.js';
import type { TLSSocket } from 'node:tls';

export interface HandshakeResult {
  perSecond: number;
  completed: number;
  errors: number;
  resumed: number;
  seconds: number;
  clientCpuS: number;
}

export async function handshakes(t: Target, o: { conns: number; durationMs: number }): Promise<HandshakeResult> {
  const req = getRequest(t.path, true);
  let completed = 0,
    errors = 0,
    resumed = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const end = t0 + o.durationMs;
  const one = async (): Promise<void> => {
    while (performance.now() < end) {
      try {
        const s = (await open(t)) as TLSSocket;
        if (s.isSessionReused()) resumed++;
        const reader = new ResponseReader();
        const status = await new Promise<number>((resolve, reject) => {
          s.on('data', (chunk: Buffer) => {
            try {
              const r = reader.push(chunk);
              if (r) resolve(r.status);
            } catch (e) {
              reject(e);
            }
          });
          s.once('error', reject);
          s.once('close', () => resolve(0));
          s.write(req);
        });
        s.destroy();
        if (status === 200) completed++;
        else errors++;
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: o.conns }, one));
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { perSecond: completed / seconds, completed, errors, resumed, seconds, clientCpuS: (cpu.user + cpu.system) / 1e6 };
}
