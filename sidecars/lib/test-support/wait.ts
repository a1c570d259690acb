// Waiting in tests: for a condition (until), for a promise with a limit (within), and through a
// fixed time only where nothing may happen in it (quietFor); and a free port. The one home of each:
// test/unit/one-kernel.test.ts fails on a copy, test/unit/fixed-waits.test.ts on a bare sleep.
import { type AddressInfo, createServer as createNetServer } from 'node:net';

const pause = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A loopback port that was free a moment ago. */
export async function freePort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
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
