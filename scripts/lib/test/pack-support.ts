// What the tests of the installed package share: `npm pack` of the current build and an install of the
// tarball into an empty directory, as a user would, with none of this run's npm settings.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { ROOT } from '../config.js';

/** The environment without this run's npm settings (npm test sets npm_* and INIT_CWD). */
export const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_|^INIT_CWD$/i.test(k)));

/** Runs a command to its end, or kills it (SIGKILL: npm may outlive a SIGTERM) after `timeout` ms. */
export const run = (cmd: string, args: string[], cwd: string, timeout = 60_000, extra: NodeJS.ProcessEnv = {}) => {
  const r = spawnSync(cmd, args, { cwd, env: { ...env, ...extra }, encoding: 'utf8', timeout, killSignal: 'SIGKILL' });
  const timedOut = (r.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT';
  return { code: r.status, stdout: r.stdout ?? '', stderr: `${r.stderr ?? ''}${timedOut ? `\nkilled after ${timeout} ms` : ''}`, timedOut };
};

/** Packs the current build (--ignore-scripts: prepack would rebuild the dist other tests run) into tmp and
 * installs the tarball into app, a new empty directory. */
export function packInstall(tmp: string, app: string): void {
  const pack = run('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', tmp], ROOT);
  assert.is(pack.code, 0, pack.stderr);
  const tarball = readdirSync(tmp).find((f) => f.endsWith('.tgz'));
  assert.ok(tarball, `no tarball in ${tmp}: ${pack.stdout}`);
  mkdirSync(app);
  // An install takes about 6 s here. Once in a CI run, npm stopped after reading its cache and never ended: a
  // hung install is killed after 90 s and tried again, twice at most; a failed one is not.
  let install = run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', join(tmp, tarball!)], app, 90_000);
  for (let again = 0; install.timedOut && again < 2; again++)
    install = run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', join(tmp, tarball!)], app, 90_000);
  assert.is(install.code, 0, install.stderr);
}
