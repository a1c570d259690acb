// Waiting in tests: for a condition (until), for a promise with a limit (within), and through a
// fixed time only where nothing may happen in it (quietFor); and a free port. The one home of each:
// test/unit/one-kernel.test.ts fails on a copy, test/unit/fixed-waits.test.ts on a bare sleep.
import { readFileSync } from 'node:fs';
import { type AddressInfo, createServer as createNetServer } from 'node:net';

const pause = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const handedOut = new Set<number>();

let ephemeral: number | undefined;

/** Where the kernel's ephemeral range starts (outgoing connections and every `listen(0)`, Docker's published ports
 * among them): Linux's /proc, else Linux's default. Read once. */
export function ephemeralLow(): number {
  if (ephemeral === undefined) {
    try {
      ephemeral = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || 32768;
    } catch {
      ephemeral = 32768;
    }
  }
  return ephemeral;
}

async function bindable(port: number): Promise<boolean> {
  const s = createNetServer();
  const ok = await new Promise<boolean>((r) => {
    s.once('error', () => r(false));
    s.listen(port, '127.0.0.1', () => r(true));
  });
  if (ok) await new Promise((r) => s.close(r));
  return ok;
}

/**
 * A loopback port that was free a moment ago, for a process the test starts next. It is drawn at random from
 * below the kernel's ephemeral range and never handed out twice by this process: a port from `listen(0)` lies in
 * that range, where any outgoing connection or published container port on a busy machine may take it before
 * the process binds it (a mesh-proxy test once failed so: "127.0.0.1:35199 is already in use").
 */
export async function freePort(): Promise<number> {
  const low = 10_000;
  const high = Math.max(low + 1000, ephemeralLow()) - 1;
  for (let i = 0; i < 50; i++) {
    const port = low + Math.floor(Math.random() * (high - low + 1));
    if (handedOut.has(port) || !(await bindable(port))) continue;
    handedOut.add(port);
    return port;
  }
  const s = createNetServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  handedOut.add(port);
  return port;
}

/** Polls until check() returns true, or fails with what it was waiting for. */
export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 5000, everyMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}`);
    await pause(everyMs);
  }
}

/** Fails with what it was waiting for when the promise does not settle within ms, so a broken feature cannot hang the suite. */
export function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not done within ${ms}ms`)), ms);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

/**
 * Lets ms pass with the test doing nothing, the one fixed wait a test may make: to show that
 * something does not happen in that time, or to leave a deliberate gap between inputs. `reason`
 * says which (“no second reload”). Waiting for something to happen is until's job, never this.
 */
export async function quietFor(ms: number, reason: string): Promise<void> {
  if (!reason.trim()) throw new Error('quietFor needs a reason: what must not happen in the wait');
  await pause(ms);
}
