// Judges a candidate value before anything is written: it must parse (format json), match the
// JSON Schema (if one is given) and be accepted by the validate command (if one is given).
// Each refusal names its reason, which becomes a metric label and a log field.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { compileSchema, SchemaError, type Check } from './schema.js';

export type Reason = 'json' | 'schema' | 'command' | 'deleted';
export type Verdict = { ok: true } | { ok: false; reason: Reason; error: string };
export type Validator = (value: Buffer) => Promise<Verdict>;

export interface ValidatorOptions {
  format: 'json' | 'text';
  schemaFile?: string;
  command?: string;
  timeoutMs: number;
}

/** Reads and compiles a schema file; throws SchemaError saying what is wrong with it. */
export function loadSchema(path: string): Check {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new SchemaError(`${path} is not a JSON file: ${(e as Error).message}`);
  }
  return compileSchema(parsed);
}

/** Runs the command with the value on stdin; resolves with its exit code and its last stderr line.
 * It runs in its own process group, so a timeout kills whatever it started too. */
export function runCommand(command: string, input: Buffer, timeoutMs: number): Promise<{ code: number | null; why: string }> {
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', command], { stdio: ['pipe', 'ignore', 'pipe'], detached: true });
    let stderr = '';
    let settled = false;
    const finish = (r: { code: number | null; why: string }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const timer = setTimeout(() => {
      try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* already gone */ }
      finish({ code: null, why: `timed out after ${timeoutMs} ms` });
    }, timeoutMs);
    child.stderr.setEncoding('utf8').on('data', (c: string) => { stderr = (stderr + c).slice(-4096); });
    child.stdin.on('error', () => {}); // a command that does not read its stdin closes it early
    child.stdin.end(input);
    child.on('error', (e) => finish({ code: null, why: e.message }));
    child.on('close', (code, signal) => {
      const last = stderr.trim().split('\n').pop()?.trim().slice(0, 300) ?? '';
      finish({ code, why: last || (signal ? `killed by ${signal}` : `exit ${code}`) });
    });
  });
}

export function makeValidator(o: ValidatorOptions): Validator {
  if (o.schemaFile && o.format !== 'json') throw new SchemaError('a JSON Schema needs --format json');
  const schema = o.schemaFile ? loadSchema(o.schemaFile) : undefined;
  return async (value) => {
    if (o.format === 'json') {
      let doc: unknown;
      try {
        doc = JSON.parse(value.toString('utf8'));
      } catch (e) {
        return { ok: false, reason: 'json', error: `not JSON: ${(e as Error).message}` };
      }
      const errors = schema?.(doc) ?? [];
      if (errors.length) return { ok: false, reason: 'schema', error: errors.slice(0, 5).join('; ') + (errors.length > 5 ? `; and ${errors.length - 5} more` : '') };
    }
    if (o.command) {
      const r = await runCommand(o.command, value, o.timeoutMs);
      if (r.code !== 0) return { ok: false, reason: 'command', error: `validate command refused it: ${r.why}` };
    }
    return { ok: true };
  };
}
