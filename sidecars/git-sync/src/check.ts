// The pre-publish check: a shell command run inside the new tree before it may be published.
import { childEnv, run } from './exec.js';

export interface CheckResult {
  ok: boolean;
  ms: number;
  output: string;
}

export async function runCheck(command: string, tree: string, timeoutMs: number): Promise<CheckResult> {
  const t0 = Date.now();
  if (!command) return { ok: true, ms: 0, output: '' };
  const r = await run('sh', ['-c', command], { cwd: tree, env: childEnv(), timeoutMs });
  const output = `${r.stdout}${r.stderr}`.trim().split('\n').slice(-5).join('\n').slice(0, 1000);
  return {
    ok: r.code === 0 && !r.timedOut,
    ms: Date.now() - t0,
    output: r.timedOut ? `timed out after ${timeoutMs} ms\n${output}` : output,
  };
}
