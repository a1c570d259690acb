// Judges a candidate value before anything is written: it must be UTF-8 and unambiguous JSON
// (format json), match the JSON Schema (if one is given) and be accepted by the validate command
// (if one is given). Each refusal names its reason, which becomes a metric label and a log field.
// A validator never throws: an exception inside a step (a stack overflow on deeply nested data)
// refuses the value for that step's reason.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseValue, type Parsed } from './json-value.js';
import { compileSchema, SchemaError, type Check } from './schema.js';

/** Why a value was refused; 'error' is a validator that threw (see ConfigSync). */
export type Reason = 'json' | 'schema' | 'command' | 'deleted' | 'error';
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
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
      finish({ code: null, why: `timed out after ${timeoutMs} ms` });
    }, timeoutMs);
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr = (stderr + c).slice(-4096);
    });
    child.stdin.on('error', () => {}); // a command that does not read its stdin closes it early
    child.stdin.end(input);
    child.on('error', (e) => finish({ code: null, why: e.message }));
    child.on('close', (code, signal) => {
      const last = stderr.trim().split('\n').pop()?.trim().slice(0, 300) ?? '';
      finish({ code, why: last || (signal ? `killed by ${signal}` : `exit ${code}`) });
    });
  });
}

/** An exception, as a reason: its class and message. A stack overflow reads the same on every runtime
 * (Bun's JavaScriptCore ends that message with a period, V8 does not), so its metric label does too. */
export const thrown = (e: unknown) => {
  if (!(e instanceof Error)) return String(e);
  const message = e instanceof RangeError ? e.message.replace(/^(Maximum call stack size exceeded)\.$/, '$1') : e.message;
  return `${e.name}: ${message}`;
};
const refuse = (reason: Reason, error: string): Verdict => ({ ok: false, reason, error });

export function makeValidator(o: ValidatorOptions): Validator {
  if (o.schemaFile && o.format !== 'json') throw new SchemaError('a JSON Schema needs --format json');
  const schema = o.schemaFile ? loadSchema(o.schemaFile) : undefined;
  return async (value) => {
    if (o.format === 'json') {
      let parsed: Parsed;
      try {
        parsed = parseValue(value);
      } catch (e) {
        return refuse('json', `cannot be parsed: ${thrown(e)}`);
      }
      if (!parsed.ok) return refuse('json', parsed.error);
      let errors: string[];
      try {
        errors = schema?.(parsed.doc) ?? [];
      } catch (e) {
        return refuse('schema', `cannot be checked against the schema: ${thrown(e)}`);
      }
      if (errors.length)
        return refuse('schema', errors.slice(0, 5).join('; ') + (errors.length > 5 ? `; and ${errors.length - 5} more` : ''));
    }
    if (o.command) {
      let r: { code: number | null; why: string };
      try {
        r = await runCommand(o.command, value, o.timeoutMs);
      } catch (e) {
        return refuse('command', `validate command could not run: ${thrown(e)}`);
      }
      if (r.code !== 0) return refuse('command', `validate command refused it: ${r.why}`);
    }
    return { ok: true };
  };
}
