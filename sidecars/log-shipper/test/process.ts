// What the process-level tests share: the real entry point started against a fake RELP receiver, the
// lines they write (JSON with a sequence number) and what the receiver got.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import { parseMetrics } from '../../lib/metrics.js';
import { stageForOthers } from '../../lib/test-support/as-user.js';
import { runCommand } from '../../lib/test-support/child.js';
import { freePort, until } from '../../lib/test-support/wait.js';
import { FakeRelp } from './fake-relp.js';

export const MAIN = fileURLToPath(new URL('../src/main.js', import.meta.url));
/** How long a wait on the child may take: a process on a loaded machine. */
export const LIMIT_MS = 10_000;

export const lines = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `{"seq":${from + i},"pad":"${'x'.repeat(40)}"}\n`).join('');
/** The JSON bodies the receiver got. */
export const bodies = (relp: FakeRelp) =>
  relp.messages.map(
    (m) => JSON.parse(m.toString().slice(m.indexOf('{'))) as { id: string; file: string; message: string; fields?: { seq: number } },
  );
/** The sequence numbers of the lines the receiver got, each once (a body without fields is not one of them). */
export const seqsOf = (relp: FakeRelp) => [...new Set(bodies(relp).flatMap((b) => (b.fields ? [b.fields.seq] : [])))].sort((a, b) => a - b);
export const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Every sidecar a test started that has not exited: a test that fails half-way leaves none behind (after.each). */
const running = new Set<ReturnType<typeof runCommand>>();

/** Starts the sidecar on dir against relp, scanning often, and resolves once /readyz answers 200. */
export async function startShipper(dir: string, relp: FakeRelp, extra: string[] = [], as: { uid?: number; gid?: number } = {}) {
  const admin = await freePort();
  const staged = as.uid === undefined ? undefined : stageForOthers(MAIN);
  const r = runCommand(
    staged?.bin ?? process.execPath,
    [
      staged?.main ?? MAIN,
      '--dir',
      dir,
      '--relp-host',
      '127.0.0.1',
      '--relp-port',
      String(relp.port),
      '--admin-port',
      String(admin),
      '--poll-interval',
      '20ms',
      '--scan-interval',
      '50ms',
      ...extra,
    ],
    {},
    as,
  );
  await until(
    'the admin port',
    async () => (await fetch(`http://127.0.0.1:${admin}/readyz`).catch(() => undefined))?.status === 200,
    LIMIT_MS,
  );
  running.add(r);
  r.exit.then(() => {
    running.delete(r);
    staged?.remove();
  });
  /** Kills the process and waits until it is gone, so nothing of it reaches the next test's receiver. */
  const kill = async () => {
    r.child.kill('SIGKILL');
    await r.exit;
  };
  const metrics = async () => parseMetrics(await (await fetch(`http://127.0.0.1:${admin}/metrics`)).text());
  const status = async (path: string) => (await fetch(`http://127.0.0.1:${admin}${path}`)).status;
  return { r, admin, metrics, status, kill };
}

/** A suite whose tests each get a fresh directory and a fake receiver, removed and stopped after it. */
export function processSuite(name: string) {
  const test = suite<{ dir: string; relp: FakeRelp }>(`log-shipper process, ${name}`, { dir: '', relp: new FakeRelp() });
  test.before.each(async (ctx) => {
    ctx.dir = mkdtempSync(join(tmpdir(), `log-shipper-${name.replace(/[^\w-]+/g, '-')}-`));
    ctx.relp = await new FakeRelp().start();
  });
  test.after.each(async (ctx) => {
    for (const r of running) r.child.kill('SIGKILL');
    await Promise.all([...running].map((r) => r.exit));
    await ctx.relp.stop();
    rmSync(ctx.dir, { recursive: true, force: true });
  });
  return test;
}
