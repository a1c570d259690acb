// What the benches that run on the host rather than in a pod share (bench:https-layers, bench:logs-floor): Bun
// processes pinned to a core, whose CPU and memory are read from /proc, and each one stopped by its PID.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { bunArch, ensureBunBinary } from '../lib/bun-binary.js';
import { ROOT, STATE_DIR } from '../lib/config.js';

/** USER_HZ: /proc counts CPU time in hundredths of a second on Linux. */
const TICKS_PER_SECOND = 100;

/** The utime and stime of /proc/<pid>/stat, in ticks (the command name, in parentheses, may hold spaces). */
export function statTicks(stat: string): number {
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of the line, counted after the name: 3 is the state, so utime is index 11.
  return Number(f[11]) + Number(f[12]);
}

/** A field of /proc/<pid>/status ("VmHWM", "VmRSS", "RssAnon") in MiB. */
export function statusMib(status: string, field: string): number {
  const kb = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status)?.[1];
  if (kb === undefined) throw new Error(`no ${field} in /proc/<pid>/status`);
  return Number(kb) / 1024;
}

/** Throws unless this host can run a pinned bench: Linux, with /proc, and two cores (one measured, one loading). */
export function hostBenchPreflight(bench: string): void {
  if (process.platform !== 'linux') throw new Error(`${bench} pins processes with taskset and reads /proc: it runs on Linux`);
  if (cpus().length < 2) throw new Error(`${bench} needs two cores: one for what is measured, one for the load`);
}

export type HostProcess = ChildProcess & {
  /** Its stdout and stderr so far, for an error message. */
  output: string[];
  /** CPU seconds so far (user and system). */
  cpuSeconds(): number;
  /** A field of its /proc/<pid>/status, in MiB. */
  mib(field: string): number;
  /** Resolves with the first JSON line on its stdout that has `key`. */
  json<T>(key: string): Promise<T>;
};

/** The Bun processes of one bench run: each pinned to a core, and all stopped by stopAll() (in a finally). */
export class HostProcesses {
  private readonly started = new Set<ChildProcess>();
  /** The Bun the images run, for this host's architecture. */
  readonly bun = join(ROOT, ensureBunBinary(bunArch(process.arch)));

  /** Runs `bun argv` on the given core. */
  run(core: number, argv: string[], env: NodeJS.ProcessEnv = {}): HostProcess {
    const c = spawn('taskset', ['-c', String(core), this.bun, ...argv], { env: { ...process.env, ...env } }) as HostProcess;
    c.output = [];
    const waiting: { key: string; resolve: (v: unknown) => void }[] = [];
    let partial = '';
    c.stdout!.on('data', (d: Buffer) => {
      c.output.push(d.toString());
      const lines = (partial + d.toString()).split('\n');
      partial = lines.pop()!;
      for (const line of lines) {
        let o: Record<string, unknown>;
        try {
          o = JSON.parse(line) as Record<string, unknown>;
        } catch {
          continue;
        }
        for (const w of waiting.filter((w) => w.key in o)) {
          waiting.splice(waiting.indexOf(w), 1);
          w.resolve(o);
        }
      }
    });
    c.stderr!.on('data', (d: Buffer) => c.output.push(d.toString()));
    c.cpuSeconds = () => statTicks(readFileSync(`/proc/${c.pid}/stat`, 'utf8')) / TICKS_PER_SECOND;
    c.mib = (field) => statusMib(readFileSync(`/proc/${c.pid}/status`, 'utf8'), field);
    c.json = <T>(key: string) =>
      new Promise<T>((resolve, reject) => {
        waiting.push({ key, resolve: resolve as (v: unknown) => void });
        c.once('exit', (code) => reject(new Error(`exited (${code}) before a line with "${key}":\n${c.output.join('').slice(-2000)}`)));
      });
    this.started.add(c);
    c.once('exit', () => this.started.delete(c));
    return c;
  }

  /** Stops one process by its PID (SIGTERM) and waits for it to exit. */
  async stop(c: ChildProcess): Promise<void> {
    if (c.exitCode !== null || c.signalCode !== null) return;
    c.kill('SIGTERM');
    await once(c, 'exit');
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.started].map((c) => this.stop(c)));
  }
}

/** One run of a host bench: its processes, and a directory of its own under the state directory
 * (sl-bench-NAME-xxxxxx). cleanup() stops the one and removes the other: the bench's finally calls it, and so
 * does Ctrl-C, which then exits 130. */
export function benchRun(name: string): { procs: HostProcesses; state: string; cleanup: () => Promise<void> } {
  const procs = new HostProcesses();
  const state = join(STATE_DIR, `sl-bench-${name}-${randomBytes(3).toString('hex')}`);
  mkdirSync(state, { recursive: true });
  const cleanup = async () => {
    await procs.stopAll();
    rmSync(state, { recursive: true, force: true });
  };
  process.once('SIGINT', () => void cleanup().finally(() => process.exit(130)));
  return { procs, state, cleanup };
}
