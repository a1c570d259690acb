// Asks Docker Compose about a file before inject touches it: `docker compose -f FILE config --format json`,
// run in the file's directory (so its .env applies). A file Compose rejects is refused; otherwise inject gets
// each service as Compose sees it (extends resolved). A required variable (${VAR:?…}) that nobody set gets a
// stand-in value for this check only: inject's own output asks for some, and running inject on its own output
// must work before they are filled. Those are found with the shared compose interpolation (scripts/lib/compose-file).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse as parseEnv } from 'dotenv';
import { interpolate } from '../compose-file/interpolate.js';
import { Refusal } from './refusal.js';

/** Stand-in values for the required variables a file uses and `known` lacks: a path where a path goes, else 1.
 * Found by the shared interpolation (scripts/lib/compose-file), so nested ones (${A:-${B:?…}}) count too. */
export function standIns(text: string, known: Set<string>): Record<string, string> {
  const out: Record<string, string> = {};
  const mark = (name: string, whole: string) => (/^\$\{\w+:?\?/.test(whole) ? `\u0000${name}\u0000` : whole);
  const marked = interpolate(text, {}, { unset: mark, refuseRequired: false });
  for (const [, name, after] of marked.matchAll(/\u0000(\w+)\u0000([^\s\u0000]{0,2})/g))
    if (!known.has(name!) && !(name! in out)) out[name!] = /^:?\//.test(after!) ? '/' : '1';
  return out;
}

const lastError = (stderr: string) =>
  stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^WARN\b|level=warning/.test(l))
    .at(-1) ?? 'no message';

/** The file's services as `docker compose config` sees them; a Refusal when Compose rejects the file or is missing. */
export function composeServices(file: string, shown = file): Record<string, Record<string, unknown>> {
  const path = resolve(file);
  const cwd = dirname(path);
  const dotenv = existsSync(join(cwd, '.env')) ? parseEnv(readFileSync(join(cwd, '.env'))) : {};
  const known = new Set([...Object.keys(process.env).filter((k) => process.env[k]), ...Object.keys(dotenv)]);
  const env = { ...process.env, ...standIns(readFileSync(path, 'utf8'), known) };
  const r = spawnSync('docker', ['compose', '-f', path, 'config', '--format', 'json'], { cwd, env, encoding: 'utf8', maxBuffer: 64 << 20 });
  if ((r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT')
    throw new Refusal(
      `inject: docker not found: inject checks ${shown} with docker compose config; install Docker with Compose v2 (npm run doctor)`,
    );
  if (/is not a docker command|unknown command "compose"/.test(r.stderr))
    throw new Refusal(`inject: docker compose (v2) not found: inject checks ${shown} with docker compose config (npm run doctor)`);
  if (r.status !== 0) throw new Refusal(`inject: docker compose config rejects ${shown}: ${lastError(r.stderr)}`);
  return (JSON.parse(r.stdout) as { services?: Record<string, Record<string, unknown>> }).services ?? {};
}
