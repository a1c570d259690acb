// Runs a child process with a deadline. No shell unless asked for; the environment is the small
// one given here, never git-sync's own (so no GIT_SYNC_* value reaches a child).
import { spawn } from 'node:child_process';

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export class CommandError extends Error {
  constructor(
    readonly what: string,
    readonly result: RunResult,
  ) {
    const why = result.timedOut ? 'timed out' : result.signal ? `killed by ${result.signal}` : `exit ${result.code}`;
    super(`${what} failed (${why}): ${lastLine(result.stderr || result.stdout)}`);
    this.name = 'CommandError';
  }
}

const lastLine = (text: string) => text.trim().split('\n').slice(-3).join(' | ').slice(0, 500) || 'no output';

export const childEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
  HOME: process.env.HOME ?? '/tmp',
  LANG: 'C.UTF-8',
  ...extra,
});

export function run(cmd: string, args: string[], o: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs: number }): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: o.cwd, env: o.env ?? childEnv(), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '',
      stderr = '',
      timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      if (stdout.length < 1e6) stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      if (stderr.length < 1e5) stderr += d;
    });
    // detached: the child leads its own process group, so a timeout kills what it started too.
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, o.timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
}

/** Runs and resolves with stdout; rejects with a CommandError on a non-zero exit or timeout. */
export async function runOk(
  what: string,
  cmd: string,
  args: string[],
  o: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<string> {
  const r = await run(cmd, args, o);
  if (r.code !== 0 || r.timedOut) throw new CommandError(what, r);
  return r.stdout;
}
