// The built lab (dist/scripts/lab.js) as a child process of ours, ended by its PID: what the lab's check in
// every stack's run, its browser tests, `lab:screenshots` and `bench:lab` start.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { DIST } from '../config.js';
import { NODE_FLAGS } from './args.js';

export interface SpawnedLab {
  url: string;
  port: number;
  token: string;
  child: ChildProcess;
  stderr(): string;
  stop(): Promise<number | null>;
}

/** How long the lab may take to print its address. */
const START_DEADLINE_MS = 20_000;

/** Starts dist/scripts/lab.js on a free port, on this Node (with the flags `npm run lab` gives it) unless another
 * runtime is given; resolves once it has printed its address. */
export async function spawnLab(args: string[] = [], env: NodeJS.ProcessEnv = process.env, runtime = process.execPath): Promise<SpawnedLab> {
  const flags = runtime === process.execPath ? NODE_FLAGS : [];
  const child = spawn(runtime, [...flags, join(DIST, 'scripts', 'lab.js'), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  let timer: NodeJS.Timeout | undefined;
  await new Promise<void>((resolve) => {
    child.stdout!.on('data', (c: Buffer) => {
      out += c;
      if (out.includes('\n')) resolve();
    });
    void exited.then(() => resolve());
    timer = setTimeout(resolve, START_DEADLINE_MS);
  });
  clearTimeout(timer);
  const m = /^(http:\/\/127\.0\.0\.1:(\d+)\/)\?token=([0-9a-f]{64})\n/.exec(out);
  if (!m) {
    if (child.exitCode === null) child.kill('SIGKILL');
    throw new Error(`the lab printed ${JSON.stringify(out)} (stderr: ${err.trim()})`);
  }
  return {
    url: `${m[1]}?token=${m[3]}`,
    port: Number(m[2]),
    token: m[3]!,
    child,
    stderr: () => err,
    async stop() {
      if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGINT');
      return exited;
    },
  };
}
