// For sidecar tests at the process level: run a sidecar's compiled main.js in a child process,
// with only the env given (no inherited PREFIX_* variables), and talk to it over loopback.
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';

export interface Run {
  child: ChildProcess;
  stdout: string;
  stderr: string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs main.js; `as` runs it as another user (the test must be root for that). */
export function runMain(main: string, argv: string[], env: NodeJS.ProcessEnv = {}, as: { uid?: number; gid?: number } = {}): Run {
  return runCommand(process.execPath, [main, ...argv], env, as);
}

/** Any command, as runMain runs a main.js: only the env given, its output kept. */
export function runCommand(command: string, args: string[], env: NodeJS.ProcessEnv = {}, as: { uid?: number; gid?: number } = {}): Run {
  const child = spawn(command, args, { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'], ...as });
  const r: Run = {
    child,
    stdout: '',
    stderr: '',
    exit: new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal }))),
  };
  child.stdout!.setEncoding('utf8').on('data', (c) => (r.stdout += c));
  child.stderr!.setEncoding('utf8').on('data', (c) => (r.stderr += c));
  return r;
}

/** Waits for the child to exit, killing it if it takes longer than limitMs. */
export async function exited(r: Run, limitMs = 5000) {
  const timer = setTimeout(() => r.child.kill('SIGKILL'), limitMs);
  try {
    return await r.exit;
  } finally {
    clearTimeout(timer);
  }
}

/** One plain HTTP GET on a new connection. */
export const get = (port: number, path: string, headers: Record<string, string> = {}) =>
  new Promise<{ status: number; body: string }>((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
      let body = '';
      res
        .setEncoding('utf8')
        .on('data', (c) => (body += c))
        .on('end', () => resolve({ status: res.statusCode!, body }));
    })
      .on('error', reject)
      .end();
  });
