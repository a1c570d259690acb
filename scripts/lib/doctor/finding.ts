// What every doctor check returns, and how a check runs a command: through a Runner, so a test can give it
// a fake engine. The real runner never throws: a missing program or a time-out is a failed result.
import { $ } from 'zx';

/** optional: only some checks need it; a miss is a warning (!) and does not fail the doctor. */
export interface Finding {
  ok: boolean;
  what: string;
  detail: string;
  remedy?: string;
  optional?: boolean;
}

/** What the smoke's line says it checked, whether it ran or was skipped. */
export const SMOKE = 'smoke: the https stack up, the greeter answering one HTTPS request';

export interface RunResult {
  ok: boolean;
  /** stdout, or stderr when stdout is empty, trimmed. */
  out: string;
}

export type Runner = (cmd: string[], env?: Record<string, string>) => Promise<RunResult>;

/** Runs a command on this machine, bounded to 15 s. */
export const shell: Runner = async (cmd, env) => {
  try {
    const r = await $({ env: { ...process.env, ...env } })`${cmd}`.quiet().nothrow().timeout('15s');
    return { ok: r.exitCode === 0, out: (r.stdout || r.stderr).trim() };
  } catch (e) {
    return { ok: false, out: (e as Error).message };
  }
};

/** Whether version `have` is at least `want` (major.minor.patch; a leading v and a -suffix are ignored). */
export const atLeast = (have: string, want: string) => {
  const [a, b] = [have, want].map((v) => v.replace(/^v/, '').split(/[.-]/).map(Number));
  for (let i = 0; i < 3; i++) if ((a![i] ?? 0) !== (b![i] ?? 0)) return (a![i] ?? 0) > (b![i] ?? 0);
  return true;
};

export const firstLine = (text: string) => text.split('\n')[0] ?? '';
export const lastLine = (text: string) => text.split('\n').pop() ?? '';
