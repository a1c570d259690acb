// What the `npm run inject` tests share: the fixtures, the CLI as a user runs it, and Docker Compose's own view of a result.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DIST, ROOT } from '../config.js';
import { standIns } from '../inject/compose-check.js';

export const FIXTURES = join(ROOT, 'test', 'fixtures', 'inject');
export const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** node <build>/scripts/inject.js ARGS in `cwd` (the fixtures by default). */
export function cli(args: string[], o: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Run {
  const r = spawnSync(process.execPath, [join(DIST, 'scripts', 'inject.js'), ...args], {
    cwd: o.cwd ?? FIXTURES,
    env: o.env ?? process.env,
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A throwaway directory, removed after fn. */
export function inTemp<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'sl-inject-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A throwaway directory, removed after the promise fn returns settles. */
export async function inTempAsync<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'sl-inject-'));
  try {
    return await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export type Service = Record<string, unknown> & {
  network_mode?: string;
  pid?: string;
  ports?: { target: number; published?: string; host_ip?: string }[];
  expose?: string[];
  networks?: Record<string, { aliases?: string[] } | null>;
  depends_on?: Record<string, { condition: string }>;
  environment?: Record<string, string>;
  volumes?: { type: string; source: string; target: string; read_only?: boolean }[];
  image?: string;
  read_only?: boolean;
  group_add?: string[];
};

/** `docker compose config --format json` of a text (written to a temp dir, its required variables given stand-ins, then `vars`); throws with Compose's words. */
export function composeConfig(text: string, vars: Record<string, string> = {}): Record<string, Service> {
  return inTemp((dir) => {
    writeFileSync(join(dir, 'compose.yaml'), text);
    const env = { ...process.env, ...standIns(text, new Set()), ...vars };
    const r = spawnSync('docker', ['compose', '-f', 'compose.yaml', 'config', '--format', 'json'], { cwd: dir, env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`docker compose config rejects the result (exit ${r.status}): ${r.stderr}${r.error ?? ''}`);
    return (JSON.parse(r.stdout) as { services: Record<string, Service> }).services;
  });
}

/** The lines of a top-level or service block (`  name:` with the comments above it, up to the next key at that depth). */
export function block(text: string, name: string, indent = '  '): string {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l === `${indent}${name}:` || l.startsWith(`${indent}${name}: `));
  if (at < 0) throw new Error(`no block ${name}`);
  let end = at + 1;
  const deeper = (l: string) => l.startsWith(`${indent} `) || l.trim() === '';
  while (end < lines.length && deeper(lines[end]!)) end++;
  while (end > at + 1 && lines[end - 1]!.trim() === '') end--;
  return lines.slice(at, end).join('\n');
}

/** Every comment of a YAML text (what follows a `#` that starts a line or follows a blank), trimmed. */
export const comments = (text: string) =>
  text
    .split('\n')
    .map((l) => /(?:^|\s)(#.*)$/.exec(l)?.[1]?.trim())
    .filter((c): c is string => Boolean(c));
